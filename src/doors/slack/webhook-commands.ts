// /forjinn webhook add|list|remove|enable|disable|test: the same service calls as the REST API
// (same validation, same rules), answered to the caller only.
import { sendTest } from '../../services/delivery/send-test.js';
import { ApiError, notFound } from '../../core/errors.js';
import { isUuid } from '../../store/webhooks.js';
import { createWebhook, deleteWebhook, listWebhooks, updateWebhook } from '../../services/webhooks/service.js';
import type { CommandContext, CommandSpec } from './command.js';
import { escapeSlack, kindLabel, list, say, usageFor, USAGE, webhookLine, type Reply } from './messages.js';
import { last, listFlag, parseFlags, UsageError } from './parse.js';
import { lastDeliveries, type SlackOrigin } from './queries.js';

export function originOf(c: CommandContext, kind: SlackOrigin['kind']): SlackOrigin {
  const b = c.body;
  return { source: 'slack', kind, team: b.team_id, channel: b.channel_id, channelName: b.channel_name, user: b.user_id };
}

/** Events as words or comma lists; none means all of them. */
export const eventList = (words: string[]): string[] => {
  const events = words.flatMap((w) => w.split(',')).map((s) => s.trim()).filter(Boolean);
  return events.length ? events : ['*'];
};

/** A full id, or a prefix of at least 8 characters that names one webhook of the workspace. */
async function resolveId(c: CommandContext, raw: string | undefined, usage: string): Promise<string> {
  if (!raw) throw new UsageError('missing the webhook id (see /forjinn webhook list)', usage);
  if (isUuid(raw)) return raw.toLowerCase();
  if (!/^[0-9a-f-]{8,35}$/i.test(raw)) throw new ApiError('not_found', `no webhook "${raw}" in this workspace`);
  const matches = (await listWebhooks(c.deps.ctx, c.workspace.id)).filter((h) => h.id.startsWith(raw.toLowerCase()));
  if (matches.length > 1) throw new ApiError('conflict', `"${raw}" names ${matches.length} webhooks; give more of the id`);
  if (matches.length === 0) throw notFound('webhook');
  return matches[0].id;
}

function oneId(c: CommandContext, words: string[], usage: string): Promise<string> {
  const { positionals } = parseFlags(words, {}, usageFor(c.name, usage));
  if (positionals.length > 1) throw new UsageError('give one webhook id', usageFor(c.name, usage));
  return resolveId(c, positionals[0], usageFor(c.name, usage));
}

async function add(c: CommandContext, words: string[]): Promise<Reply> {
  const usage = usageFor(c.name, USAGE.add);
  const { values, positionals } = parseFlags(
    words,
    { transformer: { type: 'string', multiple: true }, chatflow: { type: 'string', multiple: true }, secret: { type: 'string', multiple: true } },
    usage,
  );
  const [url, ...events] = positionals;
  if (!url) throw new UsageError('missing the URL to deliver to', usage);
  const chatflowIds = listFlag(values.chatflow);
  const transformer = last(values.transformer);
  const secret = last(values.secret);
  const { webhook, secret: shown } = await createWebhook(
    c.deps.ctx,
    c.workspace.id,
    {
      url,
      events: eventList(events),
      ...(transformer ? { transformer } : {}),
      ...(secret ? { secret } : {}),
      ...(chatflowIds.length ? { filters: { chatflowIds } } : {}),
      description: `added from Slack by @${c.body.user_name} in #${c.body.channel_name}`,
    },
    originOf(c, 'webhook'),
    'channel',
  );
  const lines = [
    `:white_check_mark: Webhook added to *${escapeSlack(c.workspace.name)}*`,
    `*id* \`${webhook.id}\``,
    `*url* ${escapeSlack(webhook.url)}${kindLabel(webhook.transformer)}`,
    `*events* ${webhook.events.join(', ')}${chatflowIds.length ? ` · chatflows ${escapeSlack(chatflowIds.join(', '))}` : ''}`,
    shown ? `*secret* \`${escapeSlack(shown)}\`\nShown once, and only to you: keep it where your receiver verifies signatures.` : '*secret* none',
    `Try it: \`${usageFor(c.name, '/forjinn webhook test')} ${webhook.id.slice(0, 8)}\``,
  ];
  return say(lines.join('\n'));
}

async function listAll(c: CommandContext, words: string[]): Promise<Reply> {
  parseFlags(words, {}, usageFor(c.name, USAGE.list));
  if (words.length) throw new UsageError('webhook list takes no arguments', usageFor(c.name, USAGE.list));
  const hooks = await listWebhooks(c.deps.ctx, c.workspace.id, 'channel');
  if (hooks.length === 0) {
    return say(`No webhooks in *${escapeSlack(c.workspace.name)}* yet. Add one: \`${usageFor(c.name, USAGE.add)}\``);
  }
  const lastOf = await lastDeliveries(c.deps.ctx.db.pool, hooks.map((h) => h.id));
  const lines = hooks.map((h) => webhookLine(h, lastOf.get(h.id)));
  return list(`*Webhooks of ${escapeSlack(c.workspace.name)}* (${hooks.length})`, lines, 'see the settings page for all of them');
}

async function remove(c: CommandContext, words: string[]): Promise<Reply> {
  const id = await oneId(c, words, USAGE.remove);
  const { cancelled } = await deleteWebhook(c.deps.ctx, c.workspace.id, id);
  return say(`:wastebasket: Removed webhook \`${id}\`${cancelled ? ` (${cancelled} pending deliveries cancelled)` : ''}.`);
}

const setEnabled = (enabled: boolean, usage: string) => async (c: CommandContext, words: string[]): Promise<Reply> => {
  const id = await oneId(c, words, usage);
  const view = await updateWebhook(c.deps.ctx, c.workspace.id, id, { enabled });
  return say(
    enabled
      ? `:large_green_circle: Enabled webhook \`${view.id}\`. Deliveries that failed while it was off can be re-sent from its log.`
      : `:red_circle: Disabled webhook \`${view.id}\`: new events are not delivered to it until it is enabled again.`,
  );
};

async function test(c: CommandContext, words: string[]) {
  const id = await oneId(c, words, USAGE.test);
  const { deps, workspace } = c;
  return {
    now: say(`:outbox_tray: Sending a test event to \`${id}\`…`),
    later: async (): Promise<Reply> => {
      const r = await sendTest(deps.engine, deps.ctx, workspace, id, {});
      const answer = r.response ? `HTTP ${r.response.status} in ${r.response.durationMs} ms` : (r.error ?? 'no answer');
      const lines = [
        r.outcome === 'success'
          ? `:white_check_mark: Test delivery to \`${id}\`: ${answer}`
          : `:x: Test delivery to \`${id}\` failed: ${escapeSlack(answer)}${r.response && r.error ? ` (${escapeSlack(r.error)})` : ''}`,
        `delivery \`${r.deliveryId}\``,
      ];
      const body = r.response?.body?.trim();
      if (body) lines.push(`\`\`\`${escapeSlack(body.slice(0, 300)).replace(/```/g, "'''")}\`\`\``);
      return say(lines.join('\n'));
    },
  };
}

export const webhookCommands: Record<string, CommandSpec> = {
  'webhook add': { usage: USAGE.add, changes: true, run: add },
  'webhook list': { usage: USAGE.list, changes: false, run: listAll },
  'webhook remove': { usage: USAGE.remove, changes: true, run: remove },
  'webhook enable': { usage: USAGE.enable, changes: true, run: setEnabled(true, USAGE.enable) },
  'webhook disable': { usage: USAGE.disable, changes: true, run: setEnabled(false, USAGE.disable) },
  'webhook test': { usage: USAGE.test, changes: true, run: test },
};
