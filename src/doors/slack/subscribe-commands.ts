// /forjinn subscribe|unsubscribe|subscriptions: a channel's subscription is a webhook with the
// slack transformer in bot mode for that channel, made and changed through the same services
// as any other webhook. One subscription per channel and chatflow filter: subscribing again
// adds event types to it, like the GitHub app's `/github subscribe`.
import { EVENT_TYPES } from '../../services/transformers/types.js';
import { createWebhook, deleteWebhook, updateWebhook } from '../../services/webhooks/service.js';
import type { CommandContext, CommandSpec } from './command.js';
import { escapeSlack, list, say, usageFor, USAGE, type Reply } from './messages.js';
import { listFlag, parseFlags, UsageError } from './parse.js';
import { channelSubscriptions, lastDeliveries, type Subscription } from './queries.js';
import { eventList, originOf } from './webhook-commands.js';

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
const chatflowsOf = (s: Subscription) => s.filters.chatflowIds ?? [];
const expand = (events: string[]): string[] => (events.includes('*') ? [...EVENT_TYPES] : events);
const describe = (events: string[]) => (events.includes('*') ? 'all events' : events.join(', '));
const forChatflows = (ids: string[]) => (ids.length ? ` from chatflow${ids.length > 1 ? 's' : ''} ${escapeSlack(ids.join(', '))}` : '');
const channelName = (c: CommandContext) => (c.body.channel_name && c.body.channel_name !== 'directmessage' ? `#${escapeSlack(c.body.channel_name)}` : 'this conversation');

function parse(c: CommandContext, words: string[], usage: string) {
  const { values, positionals } = parseFlags(words, { chatflow: { type: 'string', multiple: true } }, usageFor(c.name, usage));
  const unknown = positionals.flatMap((w) => w.split(',')).filter((e) => e && e !== '*' && !(EVENT_TYPES as readonly string[]).includes(e));
  if (unknown.length) throw new UsageError(`unknown event "${unknown[0]}"; one of ${EVENT_TYPES.join(', ')}`, usageFor(c.name, usage));
  return { events: positionals, chatflows: [...new Set(listFlag(values.chatflow))] };
}

async function subscribe(c: CommandContext, words: string[]): Promise<Reply> {
  const { ctx } = c.deps;
  const { events: typed, chatflows } = parse(c, words, USAGE.subscribe);
  const events = eventList(typed);
  const existing = (await channelSubscriptions(ctx.db.pool, c.workspace.id, c.body.channel_id)).find((s) => sameSet(chatflowsOf(s), chatflows));
  if (existing) {
    const merged = existing.events.includes('*') || events.includes('*') ? ['*'] : [...new Set([...existing.events, ...events])];
    const view = await updateWebhook(ctx, c.workspace.id, existing.id, { events: merged, enabled: true });
    return say(`:bell: ${channelName(c)} now gets ${describe(view.events)}${forChatflows(chatflows)} from *${escapeSlack(c.workspace.name)}*.`);
  }
  const { webhook } = await createWebhook(
    ctx,
    c.workspace.id,
    {
      // Bot mode posts to chat.postMessage whatever this URL is; storing that address keeps
      // the webhook honest about where its deliveries go.
      url: `${ctx.config.SLACK_API_URL.replace(/\/+$/, '')}/chat.postMessage`,
      events,
      transformer: 'slack',
      transformerConfig: { channel: c.body.channel_id },
      secret: null,
      ...(chatflows.length ? { filters: { chatflowIds: chatflows } } : {}),
      description: `Slack ${channelName(c)}, subscribed by @${c.body.user_name}`,
    },
    originOf(c, 'subscription'),
  );
  return say(
    `:bell: Subscribed ${channelName(c)} to ${describe(webhook.events)}${forChatflows(chatflows)} from *${escapeSlack(c.workspace.name)}*.\n` +
      `Messages come from the Forjinn app; in a private channel, \`/invite\` it first. Subscription \`${webhook.id}\`.`,
  );
}

async function unsubscribe(c: CommandContext, words: string[]): Promise<Reply> {
  const { ctx } = c.deps;
  const { events, chatflows } = parse(c, words, USAGE.unsubscribe);
  const subs = await channelSubscriptions(ctx.db.pool, c.workspace.id, c.body.channel_id);
  // With --chatflow, only the subscription for exactly those chatflows; without, all of them.
  const targets = chatflows.length ? subs.filter((s) => sameSet(chatflowsOf(s), chatflows)) : subs;
  if (targets.length === 0) return say(`${channelName(c)} has no such subscription. See \`${usageFor(c.name, USAGE.subscriptions)}\`.`);
  const drop = new Set(expand(eventList(events)));
  const done: string[] = [];
  for (const s of targets) {
    const remaining = expand(s.events).filter((e) => !drop.has(e));
    if (remaining.length === 0) {
      await deleteWebhook(ctx, c.workspace.id, s.id);
      done.push(`removed \`${s.id}\`${forChatflows(chatflowsOf(s))}`);
    } else if (remaining.length < expand(s.events).length) {
      await updateWebhook(ctx, c.workspace.id, s.id, { events: remaining });
      done.push(`\`${s.id}\`${forChatflows(chatflowsOf(s))} now gets ${describe(remaining)}`);
    }
  }
  if (done.length === 0) return say(`${channelName(c)} was not subscribed to ${describe(eventList(events))}; nothing changed.`);
  return say(`:no_bell: Unsubscribed ${channelName(c)}: ${done.join('; ')}.`);
}

async function subscriptions(c: CommandContext, words: string[]): Promise<Reply> {
  if (words.length) throw new UsageError('subscriptions takes no arguments', usageFor(c.name, USAGE.subscriptions));
  const subs = await channelSubscriptions(c.deps.ctx.db.pool, c.workspace.id, c.body.channel_id);
  if (subs.length === 0) {
    return say(`${channelName(c)} has no subscriptions. Try \`${usageFor(c.name, '/forjinn subscribe flow_completed')}\`.`);
  }
  const lastOf = await lastDeliveries(c.deps.ctx.db.pool, subs.map((s) => s.id));
  const lines = subs.map((s) => {
    const l = lastOf.get(s.id);
    const state = s.enabled ? ':large_green_circle: on' : `:red_circle: off${s.disabledReason ? ` (${escapeSlack(s.disabledReason)})` : ''}`;
    const lastText = l ? ` · last: ${l.status}` : '';
    return `\`${s.id}\` ${describe(s.events)}${forChatflows(chatflowsOf(s))} · ${state}${lastText}${s.user ? ` · by <@${s.user}>` : ''}`;
  });
  return list(`*Subscriptions of ${channelName(c)}* (${subs.length})`, lines, 'see the settings page');
}

export const subscribeCommands: Record<string, CommandSpec> = {
  subscribe: { usage: USAGE.subscribe, changes: true, run: subscribe },
  unsubscribe: { usage: USAGE.unsubscribe, changes: true, run: unsubscribe },
  subscriptions: { usage: USAGE.subscriptions, changes: false, run: subscriptions },
};
