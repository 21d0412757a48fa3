// /forjinn mute|unmute|mutes: quiet a chatflow in this channel for a while (services/mutes). A
// channel's mute covers its subscriptions (the webhooks /forjinn subscribe made here, now or
// later); the alerts' "Mute this chatflow 1h" button mutes the one webhook the alert is about.
// Muted events are still stored: each delivery shows as `muted` in the request log.
import { ApiError } from '../../core/errors.js';
import { channelMutes, mute, muteDuration, unmuteInChannel } from '../../services/mutes/service.js';
import type { MuteRow } from '../../store/mutes.js';
import { channelSubscriptions } from './queries.js';
import type { CommandContext, CommandSpec } from './command.js';
import { escapeSlack, list, say, usageFor, USAGE, type Reply } from './messages.js';
import { parseFlags, UsageError } from './parse.js';

/** Slack shows a time in the reader's own zone: `<!date^…>` with the ISO time as the fallback. */
export const slackTime = (d: Date): string => `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString()}>`;

const channelName = (c: CommandContext) => (c.body.channel_name && c.body.channel_name !== 'directmessage' ? `#${escapeSlack(c.body.channel_name)}` : 'this conversation');
const code = (s: string) => `\`${escapeSlack(s.replace(/`/g, "'"))}\``;

function words(c: CommandContext, ws: string[], usage: string, count: number, missing: string[]): string[] {
  const u = usageFor(c.name, usage);
  const { positionals } = parseFlags(ws, {}, u);
  if (positionals.length < count) throw new UsageError(missing[positionals.length], u);
  if (positionals.length > count) throw new UsageError(`too many words: "${positionals.slice(count).join(' ')}"`, u);
  return positionals;
}

async function muteCommand(c: CommandContext, ws: string[]): Promise<Reply> {
  const usage = usageFor(c.name, USAGE.mute);
  const [chatflow, duration] = words(c, ws, USAGE.mute, 2, ['which chatflow? give its id and how long, e.g. 1h', 'for how long? e.g. 30m, 1h, 2d']);
  let forMs: number;
  try {
    forMs = muteDuration(duration);
  } catch (e) {
    throw new UsageError((e as ApiError).message.replace(/^for: /, ''), usage);
  }
  const m = await mute(c.deps.ctx, c.workspace.id, { chatflowId: chatflow, slackChannel: c.body.channel_id, forMs, createdBy: `slack:${c.body.user_id}` });
  const subs = await channelSubscriptions(c.deps.ctx.db.pool, c.workspace.id, c.body.channel_id);
  const covers = subs.length
    ? `its ${subs.length} subscription${subs.length === 1 ? '' : 's'} here`
    : `subscriptions made here (${channelName(c)} has none yet)`;
  return say(
    `:mute: <@${c.body.user_id}> muted chatflow ${code(chatflow)} in ${channelName(c)} until ${slackTime(m.until)}: ${covers} post nothing of it until then. ` +
      `Its events are still recorded, as \`muted\` in the request log. End it sooner: \`${usageFor(c.name, '/forjinn unmute')} ${escapeSlack(chatflow)}\``,
  );
}

async function unmuteCommand(c: CommandContext, ws: string[]): Promise<Reply> {
  const [chatflow] = words(c, ws, USAGE.unmute, 1, ['which chatflow? see /forjinn mutes']);
  const ended = await unmuteInChannel(c.deps.ctx, c.workspace.id, c.body.channel_id, chatflow);
  if (ended.length === 0) return say(`Chatflow ${code(chatflow)} is not muted in ${channelName(c)}; nothing changed. See \`${usageFor(c.name, USAGE.mutes)}\`.`);
  return say(`:loud_sound: <@${c.body.user_id}> unmuted chatflow ${code(chatflow)} in ${channelName(c)}: its next events are posted again. What was muted stays in the request log.`);
}

const muteLine = (m: MuteRow) =>
  `${code(m.chatflow_id)} until ${slackTime(m.until)} · ${m.webhook_id ? `webhook \`${m.webhook_id}\`` : 'this channel'} · by ${m.created_by.startsWith('slack:') ? `<@${m.created_by.slice(6)}>` : escapeSlack(m.created_by)}`;

async function mutesCommand(c: CommandContext, ws: string[]): Promise<Reply> {
  words(c, ws, USAGE.mutes, 0, []);
  const live = await channelMutes(c.deps.ctx, c.workspace.id, c.body.channel_id);
  if (live.length === 0) return say(`Nothing is muted in ${channelName(c)}. Mute a chatflow: \`${usageFor(c.name, USAGE.mute)}\``);
  return list(`*Muted in ${channelName(c)}* (${live.length})`, live.map(muteLine), 'see GET /v1/mutes');
}

export const muteCommands: Record<string, CommandSpec> = {
  mute: { usage: USAGE.mute, changes: true, run: muteCommand },
  unmute: { usage: USAGE.unmute, changes: true, run: unmuteCommand },
  mutes: { usage: USAGE.mutes, changes: false, run: mutesCommand },
};
