// The Slack message: `text` (the notification line) and Block Kit blocks: a header, the template's
// mrkdwn section, the facts as section fields, the links, and a context footer.
import type { ContextBlock, HeaderBlock, KnownBlock, MrkdwnElement, SectionBlock } from '@slack/types';
import type { EventView } from '../shared/event-view.js';
import { truncate, truncateMarkup } from '../shared/text.js';
import { escapeSlack } from './escape.js';

// https://api.slack.com/reference/block-kit/blocks : at most 50 blocks in a message.
export const SLACK_MAX_BLOCKS = 50;
// https://api.slack.com/reference/block-kit/blocks#header : header text is plain_text, max 150.
export const SLACK_HEADER_MAX = 150;
// https://api.slack.com/reference/block-kit/blocks#section : text max 3000; fields max 10, each 2000.
export const SLACK_SECTION_TEXT_MAX = 3000;
export const SLACK_SECTION_FIELDS_MAX = 10;
export const SLACK_FIELD_TEXT_MAX = 2000;
// https://api.slack.com/reference/block-kit/blocks#context : at most 10 elements.
export const SLACK_CONTEXT_ELEMENTS_MAX = 10;
// https://api.slack.com/methods/chat.postMessage#errors : about 12,000 characters of block text in all
// before msg_blocks_too_long. Facts are kept short so header + section + fields stay well under it.
export const SLACK_BLOCK_TEXT_BUDGET = 12_000;
const FACT_VALUE_MAX = 300;
// The top-level `text` is what notifications and screen readers show: one line, not the message.
const FALLBACK_TEXT_MAX = 300;

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const mrkdwn = (text: string): MrkdwnElement => ({ type: 'mrkdwn', text });

/** Slack shows `<!date^…>` in each reader's own time zone; the fallback is the ISO timestamp. */
function when(timestamp: unknown): string | undefined {
  if (typeof timestamp !== 'string') return undefined;
  const ms = Date.parse(timestamp);
  if (Number.isNaN(ms)) return undefined;
  const iso = new Date(ms).toISOString();
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} at {time}|${iso}>`;
}

export function buildMessage(
  view: EventView,
  body: { text: string; cut: boolean },
  timestamp: unknown,
  truncated: string[],
): SlackMessage {
  const blocks: KnownBlock[] = [];
  const path = (suffix: string): string => `blocks[${blocks.length}]${suffix}`;

  const header = truncate(view.title, SLACK_HEADER_MAX);
  if (header.cut) truncated.push(path('.text.text'));
  blocks.push({ type: 'header', text: { type: 'plain_text', text: header.text, emoji: true } } satisfies HeaderBlock);

  const text = body.text.trim();
  if (text !== '') {
    const section = truncateMarkup(text, SLACK_SECTION_TEXT_MAX);
    if (section.cut || body.cut) truncated.push(path('.text.text'));
    blocks.push({ type: 'section', text: mrkdwn(section.text) } satisfies SectionBlock);
  }

  const facts = view.facts.slice(0, SLACK_SECTION_FIELDS_MAX);
  if (facts.length > 0) {
    const fields = facts.map((fact, index) => {
      const value = truncate(fact.value, FACT_VALUE_MAX);
      const id = fact.id ? `\n\`${escapeSlack(fact.id.replace(/`/g, "'"))}\`` : '';
      const field = truncateMarkup(`*${escapeSlack(fact.label)}*\n${escapeSlack(value.text)}${id}`, SLACK_FIELD_TEXT_MAX);
      if (value.cut || field.cut) truncated.push(path(`.fields[${index}].text`));
      return mrkdwn(field.text);
    });
    blocks.push({ type: 'section', fields } satisfies SectionBlock);
  }

  // Links as mrkdwn, not buttons: a button click is sent to the Slack app's interactivity URL,
  // and an unanswered click shows the reader a warning.
  if (view.links.length > 0) {
    const links = view.links.map((link) => `<${link.url.replace(/[|>]/g, encodeURIComponent)}|${escapeSlack(link.label)}>`);
    blocks.push({ type: 'context', elements: [mrkdwn(links.join('  ·  '))] } satisfies ContextBlock);
  }

  const footer = [escapeSlack(view.footer), when(timestamp)].filter(Boolean).join(' · ');
  blocks.push({
    type: 'context',
    elements: [mrkdwn(footer)].slice(0, SLACK_CONTEXT_ELEMENTS_MAX),
  } satisfies ContextBlock);

  const fallback = truncate(view.title, FALLBACK_TEXT_MAX);
  if (fallback.cut) truncated.push('text');
  return { text: escapeSlack(fallback.text), blocks: blocks.slice(0, SLACK_MAX_BLOCKS) };
}

