// What the Slack app says: command answers as Block Kit, the help, the usage lines, and how to
// show a webhook in one line. Everything from a user or a receiver goes through escapeSlack.
import type { KnownBlock } from '@slack/types';
import { EVENT_TYPES } from '../../services/transformers/types.js';
import { escapeSlack } from '../../services/transformers/slack/escape.js';
import { isSigned } from '../../services/transformers/index.js';
import { LINK_USAGE } from '../../services/slack-links/link-codes.js';

export { escapeSlack };

/** An answer: `text` is the notification line and the fallback; blocks are what Slack shows. */
export interface Reply {
  text: string;
  blocks?: KnownBlock[];
}

// https://api.slack.com/reference/block-kit/blocks#section : section text is at most 3000
// characters; a message has at most 50 blocks. Long lists are cut with a note, never refused.
const SECTION_MAX = 3000;
const LIST_BLOCKS_MAX = 40;

export const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
export const note = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });

export function say(text: string): Reply {
  return { text, blocks: [section(text)] };
}

export function warn(message: string, usage?: string): Reply {
  const text = `:warning: ${escapeSlack(message)}`;
  return { text, blocks: [section(text), ...(usage ? [note(`usage: \`${escapeSlack(usage)}\``)] : [])] };
}

/** A title, then one line per item packed into as few sections as fit. */
export function list(title: string, lines: string[], more: string): Reply {
  const blocks: KnownBlock[] = [section(title)];
  let chunk = '';
  let shown = 0;
  for (const line of lines) {
    if (chunk && chunk.length + line.length + 1 > SECTION_MAX) {
      if (blocks.length >= LIST_BLOCKS_MAX) break;
      blocks.push(section(chunk));
      chunk = '';
    }
    chunk = chunk ? `${chunk}\n${line}` : line.slice(0, SECTION_MAX);
    shown++;
  }
  if (chunk) blocks.push(section(chunk));
  if (shown < lines.length) blocks.push(note(`…and ${lines.length - shown} more: ${more}`));
  return { text: title, blocks };
}

/** Usage lines, written for `/forjinn` and shown with the command name the user typed. */
export const USAGE = {
  add: '/forjinn webhook add <url> [event ...] [--transformer NAME] [--chatflow ID] [--secret S]',
  list: '/forjinn webhook list',
  remove: '/forjinn webhook remove <id>',
  enable: '/forjinn webhook enable <id>',
  disable: '/forjinn webhook disable <id>',
  test: '/forjinn webhook test <id>',
  webhook: '/forjinn webhook add|list|remove|enable|disable|test …',
  subscribe: '/forjinn subscribe [event ...] [--chatflow ID]',
  unsubscribe: '/forjinn unsubscribe [event ...] [--chatflow ID]',
  subscriptions: '/forjinn subscriptions',
  mute: '/forjinn mute <chatflow> <duration>',
  unmute: '/forjinn unmute <chatflow>',
  mutes: '/forjinn mutes',
  link: LINK_USAGE,
  help: '/forjinn help',
} as const;

export const usageFor = (command: string, line: string): string => line.replace(/^\/forjinn/, command);

export function helpReply(command: string, linked: string | undefined, team: string, admins: string[]): Reply {
  const u = (line: string) => `\`${escapeSlack(usageFor(command, line))}\``;
  const lines = [
    `${u(USAGE.add)}\n    adds a webhook; its id and secret are shown to you only`,
    `${u(USAGE.list)}\n    the workspace's webhooks with their last delivery`,
    `${u('/forjinn webhook remove|enable|disable <id>')}\n    change one (an id prefix of 8 characters is enough)`,
    `${u(USAGE.test)}\n    sends a sample event now and answers with the receiver's status and time`,
    `${u(USAGE.subscribe)}\n    posts events into this channel (no event: all of them)`,
    `${u(USAGE.unsubscribe)}\n    stops them (no event: every subscription of this channel)`,
    `${u(USAGE.subscriptions)}\n    this channel's subscriptions`,
    `${u(USAGE.mute)}\n    stops posting a chatflow's events here for a while (30m, 1h, 2d); they are still recorded, as muted`,
    `${u(USAGE.unmute)}\n    ends it now · ${u(USAGE.mutes)} lists what is muted here`,
    `${u(USAGE.link)}\n    links this Slack workspace with a one-time code from the Forjinn workspace`,
  ];
  const where = linked
    ? `This Slack workspace is linked to the Forjinn workspace *${escapeSlack(linked)}*.`
    : notLinkedText(team);
  const who = admins.length ? 'Only the admins named in SLACK_ADMIN_USERS may change webhooks; everyone may list them.' : '';
  const text = `*Forjinn webhooks*\n${lines.join('\n')}`;
  return {
    text: 'Forjinn webhooks: commands',
    blocks: [section(text), note(`Events: ${EVENT_TYPES.join(', ')}. ${where} ${who}`.trim())],
  };
}

export function notLinkedText(team: string): string {
  return (
    `This Slack workspace (${team}) is not linked to a Forjinn workspace yet. Get a one-time code with the workspace's ` +
    `API key (\`POST /v1/slack/link-codes\`) or from the service's admin (\`forjinn-webhooks slack link-code --workspace <name>\`), ` +
    `then run \`/forjinn link <code>\` here. The admin can also link it directly: \`forjinn-webhooks slack link --team ${team} --workspace <name>\`.`
  );
}

const ago = (d: Date): string => `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${d.toISOString()}>`;

export interface LastDelivery {
  status: string;
  code: number | null;
  at: Date | null;
}

/** ` [slack]`: a webhook's kind, named unless it is the plain signed receiver (Transformer.signed). */
export function kindLabel(transformer: string): string {
  return isSigned(transformer) ? '' : ` [${transformer}]`;
}

/** `id` · url · events · state · last delivery, for lists. */
export function webhookLine(
  h: { id: string; url: string; events: string[]; enabled: boolean; disabledReason: string | null; transformer: string },
  last: LastDelivery | undefined,
  extra = '',
): string {
  const state = h.enabled ? ':large_green_circle: enabled' : `:red_circle: disabled${h.disabledReason ? ` (${escapeSlack(h.disabledReason)})` : ''}`;
  const lastText = last
    ? `last: ${last.status}${last.code ? ` (HTTP ${last.code})` : ''}${last.at ? ` ${ago(last.at)}` : ''}`
    : 'no deliveries yet';
  const kind = kindLabel(h.transformer);
  return `\`${h.id}\` ${escapeSlack(h.url)}${kind}${extra}\n    ${h.events.join(', ')} · ${state} · ${lastText}`;
}
