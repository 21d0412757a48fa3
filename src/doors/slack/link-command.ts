// `/forjinn link <code>`: redeems a link code for the team Slack signed the request for
// (services/slack-links/link-codes.ts) and says what happened.
import type { SlashCommand } from '@slack/bolt';
import type { AppContext } from '../../core/context.js';
import type { Workspace } from '../../store/workspaces.js';
import { redeemLinkCode } from '../../services/slack-links/link-codes.js';
import { escapeSlack, say, warn, type Reply } from './messages.js';
import { UsageError } from './parse.js';

const WHERE_CODES =
  "make one with the Forjinn workspace's API key (`POST /v1/slack/link-codes`) or ask the service's admin " +
  '(`forjinn-webhooks slack link-code --workspace <name>`)';

/** `/forjinn link <code>`: the reply, after the caller checked SLACK_ADMIN_USERS. */
export async function linkCommand(ctx: AppContext, body: SlashCommand, words: string[], usage: string): Promise<Reply> {
  if (words.length === 0) throw new UsageError(`missing the code: ${WHERE_CODES}`, usage);
  if (words.length > 1) throw new UsageError('give the one code, as shown (XXXX-XXXX-XXXX-XXXX)', usage);
  const team = body.team_id;
  const result = await redeemLinkCode(ctx.db, words[0], team, `slack:${body.user_id}`);
  // Who tried which team, never the code: a run of refusals from one team is worth seeing.
  ctx.log.info({ component: 'slack', team, user: body.user_id, outcome: result.kind, workspace: 'workspace' in result ? result.workspace.name : undefined }, 'slack link code');
  const name = (w: Workspace) => `*${escapeSlack(w.name)}*`;
  switch (result.kind) {
    case 'invalid':
      return warn(`that is not a valid link code, or it was used or has expired: ${WHERE_CODES}, then run the command again`);
    case 'taken':
      return warn(
        // warn() escapes the whole message itself.
        `this Slack workspace is already linked to the Forjinn workspace *${result.linkedTo}*; ` +
          `unlink it there first (\`DELETE /v1/slack/links/${team}\` with that workspace's API key, or \`forjinn-webhooks slack unlink --team ${team}\`). The code can still be used.`,
      );
    case 'already':
      return say(`This Slack workspace is already linked to ${name(result.workspace)}; nothing changed.`);
    case 'linked':
      return say(
        `:link: Linked this Slack workspace (${team}) to the Forjinn workspace ${name(result.workspace)}. ` +
          "Its commands now act on that workspace's webhooks.",
      );
  }
}
