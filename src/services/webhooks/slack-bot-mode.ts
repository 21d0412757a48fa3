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

export const BOT_MODE_FIELD = 'transformerConfig.channel';

export const BOT_MODE_UNLINKED =
  'Slack bot mode (a channel set) posts as the Forjinn Slack app, which only a workspace linked to a Slack team may do: ' +
  'link a Slack team first (docs/slack.md, "Link the Slack workspace"), or clear the channel to post through an incoming webhook URL';

/** Whether a webhook's settings use the operator's bot token: the Slack transformer with a channel. */
export function usesSlackBot(transformer: string, config: unknown): boolean {
  if (transformer !== 'slack' || !config || typeof config !== 'object') return false;
  const channel = (config as Record<string, unknown>).channel;
  return typeof channel === 'string' && channel.trim() !== '';
}

// The rule's one read; the engine asks it again before every bot-mode attempt.
export { workspaceHasSlackTeam };

/** At save time: a bot-mode webhook of a workspace with no Slack team is refused, naming the channel. */
export async function checkSlackBotMode(
  db: Queryable,
  workspaceId: string,
  target: { transformer: string; transformerConfig: Record<string, unknown> },
): Promise<void> {
  if (!usesSlackBot(target.transformer, target.transformerConfig)) return;
  if (!(await workspaceHasSlackTeam(db, workspaceId))) throw invalid(BOT_MODE_FIELD, BOT_MODE_UNLINKED);
}
