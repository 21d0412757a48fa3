// Slack bot mode (a Slack webhook with a channel) posts as the Forjinn Slack app, with the
// operator's one SLACK_BOT_TOKEN. That token belongs to the one Slack installation of the app,
// so only a workspace linked to a Slack team may post with it; otherwise any API key could post
// as the app into any channel of the operator's Slack. The rule (docs/slack.md, "Bot mode"):
// the workspace is linked to at least one Slack team. A link is made only with proof from a
// request Slack signed for the app, i.e. from a team the app is installed in, the token's
// team; and Slack itself keeps the token inside its installation. Checked when a webhook is
// saved (400) and before every bot-mode attempt (refused, not retried: a link removed later).
import type { Queryable } from '../../store/database.js';
import { invalid } from '../../core/errors.js';
import { workspaceHasSlackTeam } from '../../store/slack-links.js';
import { BOT_MODE_FIELD, BOT_MODE_UNLINKED } from '../transformers/slack/bot-mode.js';
import { getTransformer, usesBotToken } from '../transformers/index.js';

export { BOT_MODE_FIELD, BOT_MODE_UNLINKED };

// The rule's one read; the engine asks it again before every bot-mode attempt.
export { workspaceHasSlackTeam };

/** At save time: a bot-mode webhook of a workspace with no Slack team is refused, naming the channel. */
export async function checkSlackBotMode(
  db: Queryable,
  workspaceId: string,
  target: { transformer: string; transformerConfig: Record<string, unknown> },
): Promise<void> {
  if (!usesBotToken(getTransformer(target.transformer), target.transformerConfig)) return;
  if (!(await workspaceHasSlackTeam(db, workspaceId))) throw invalid(BOT_MODE_FIELD, BOT_MODE_UNLINKED);
}
