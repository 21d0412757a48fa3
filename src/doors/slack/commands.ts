// `/forjinn …`: the command table, the checks every command passes (linked team, admin for
// changes; `link <code>` is the one command of a team not linked yet), and the answer within
// Slack's 3 seconds: the result itself when it is ready in time, otherwise "working on it" at
// once and the result through the response_url.
import { randomUUID } from 'node:crypto';
import type { RespondArguments, RespondFn, SlashCommand } from '@slack/bolt';
import { ApiError } from '../../core/errors.js';
import { findLink } from '../../services/slack-links/links.js';
import { LINK_USAGE } from '../../services/slack-links/link-codes.js';
import { linkCommand } from './link-command.js';
import { helpReply, notLinkedText, say, usageFor, USAGE, warn, type Reply } from './messages.js';
import { tokenize, UsageError } from './parse.js';
import { webhookCommands } from './webhook-commands.js';
import { subscribeCommands } from './subscribe-commands.js';
import { muteCommands } from './mute-commands.js';
import type { CommandContext, CommandSpec, Outcome, SlackDeps } from './command.js';

export type { CommandContext, CommandSpec, Outcome, SlackDeps };

const TABLE: Record<string, CommandSpec> = { ...webhookCommands, ...subscribeCommands, ...muteCommands };

// Slack shows an error to the user when a command is not acknowledged within 3 seconds
// (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt); 2 s leaves
// room for the network both ways.
const ACK_BUDGET_MS = 2_000;

export const isAdmin = (deps: SlackDeps, user: string): boolean => deps.admins.size === 0 || deps.admins.has(user);

export const ADMIN_ONLY = 'only the admins named in SLACK_ADMIN_USERS may change webhooks; everyone may list them';
const ADMIN_ONLY_LINK = 'only the admins named in SLACK_ADMIN_USERS may link this Slack workspace to a Forjinn workspace';

export async function runCommand(deps: SlackDeps, body: SlashCommand): Promise<Outcome> {
  const name = body.command || '/forjinn';
  const words = tokenize(body.text ?? '');
  const link = await findLink(deps.ctx.db.pool, body.team_id);
  if (words.length === 0 || words[0] === 'help' || words[0] === '--help') {
    return helpReply(name, link?.workspace.name, body.team_id, [...deps.admins]);
  }
  if (words[0] === 'link') {
    const usage = usageFor(name, LINK_USAGE);
    if (words.includes('--help')) return say(`usage: \`${usage}\``);
    if (!isAdmin(deps, body.user_id)) return warn(ADMIN_ONLY_LINK);
    return linkCommand(deps.ctx, body, words.slice(1), usage).catch((e) => errorReply(deps, e, usage));
  }
  const key = words[0] === 'webhook' ? `webhook ${words[1] ?? ''}` : words[0];
  const spec = TABLE[key];
  if (!spec) {
    if (words[0] === 'webhook') {
      return warn(words[1] ? `unknown webhook command "${words[1]}"` : 'which webhook command?', usageFor(name, USAGE.webhook));
    }
    const help = helpReply(name, link?.workspace.name, body.team_id, [...deps.admins]);
    const top = warn(`unknown command "${words[0]}"`);
    return { text: top.text, blocks: [...(top.blocks ?? []), ...(help.blocks ?? [])] };
  }
  const usage = usageFor(name, spec.usage);
  const rest = words.slice(key.split(' ').length);
  if (rest.includes('--help')) return say(`usage: \`${usage}\``);
  if (!link) return warn(notLinkedText(body.team_id));
  if (spec.changes && !isAdmin(deps, body.user_id)) return warn(ADMIN_ONLY);
  try {
    return await spec.run({ deps, body, workspace: link.workspace, name }, rest);
  } catch (e) {
    return errorReply(deps, e, usage);
  }
}

/** Wrong input answers what was wrong (and the usage); anything else is logged, never shown. */
export function errorReply(deps: SlackDeps, e: unknown, usage?: string): Reply {
  if (e instanceof UsageError) return warn(e.message, e.usage);
  if (e instanceof ApiError) return warn(e.message, e.code === 'validation_error' ? usage : undefined);
  const ref = randomUUID().slice(0, 8);
  deps.ctx.log.error({ err: e, ref }, 'slack command failed');
  return warn(`something went wrong in the webhook service (ref ${ref}); its log has the details`);
}

const ephemeral = (r: Reply): RespondArguments => ({ response_type: 'ephemeral', text: r.text, ...(r.blocks ? { blocks: r.blocks } : {}) });

type Ack = (r: RespondArguments) => Promise<void>;

/** Acknowledges within the budget; whatever is not ready by then is posted to the response_url. */
export async function answer(deps: SlackDeps, ack: Ack, respond: RespondFn, work: () => Promise<Outcome>): Promise<void> {
  const result = work().catch((e) => errorReply(deps, e));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ACK_BUDGET_MS);
  });
  const first = await Promise.race([result, late]);
  clearTimeout(timer);
  const send = (r: Promise<Reply>) =>
    deps.tasks.add(
      r
        .catch((e) => errorReply(deps, e))
        .then((reply) => respond(ephemeral(reply)))
        .then(
          () => undefined,
          (err) => deps.ctx.log.warn({ err: { message: (err as Error).message } }, 'could not answer through the response_url'),
        ),
    );
  if (first === 'late') {
    await ack(ephemeral(say(':hourglass_flowing_sand: Working on it…')));
    send(result.then((o) => ('later' in o ? o.later() : o)));
  } else if ('later' in first) {
    await ack(ephemeral(first.now));
    send(first.later());
  } else {
    await ack(ephemeral(first));
  }
}
