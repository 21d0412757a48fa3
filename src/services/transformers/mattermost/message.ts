// The Mattermost message: a one-line `text` (what notifications and the channel list show) and
// one Slack-style attachment (color by outcome, title, the template's markdown, the facts as short
// fields, the links), within Mattermost's post limits.
import type { EventView, Status } from '../shared/event-view.js';
import { truncate, truncateMarkup } from '../shared/text.js';
import { escapeMattermost } from './escape.js';

// https://developers.mattermost.com/integrate/webhooks/incoming/ : a message longer than the
// server's post size is split into several posts; the size is 16,383 characters since server 5.0
// (model.PostMessageMaxRunesV2 = 65535 / 4). The one-line text stays far below it.
export const MATTERMOST_TEXT_MAX = 16_383;
// https://developers.mattermost.com/integrate/reference/message-attachments/ documents no limit on
// an attachment's text ("For long texts, the message is collapsed and a Show More link is added");
// the server refuses props (attachments) over model.PostPropsMaxUserRunes, 760,000 characters.
// Our own budget, so the message stays readable: what a person reads in a channel.
export const MATTERMOST_ATTACHMENT_TEXT_MAX = 8_000;
const TITLE_MAX = 250;
const FIELD_VALUE_MAX = 300;

// Mattermost's own colors for good and danger, and Forjinn's for the others.
const COLOR: Record<Status, string> = { success: '#2eb886', warning: '#ffbc1f', error: '#d24b4e', info: '#166de0' };

interface Field {
  short: boolean;
  title: string;
  value: string;
}

export interface MattermostMessage {
  text: string;
  attachments: Array<{
    fallback: string;
    color: string;
    title: string;
    title_link?: string;
    text: string;
    fields: Field[];
    footer: string;
  }>;
}

/** A URL inside a markdown link: parentheses and spaces would end it early. */
const markdownUrl = (url: string): string => url.replace(/[()\s]/g, (c) => encodeURIComponent(c));

export function buildMessage(view: EventView, body: { text: string; cut: boolean }, truncated: string[]): MattermostMessage {
  const title = truncate(view.title, TITLE_MAX);
  if (title.cut) truncated.push('attachments[0].title');
  const links = view.links.map((link) => `[${escapeMattermost(link.label)}](${markdownUrl(link.url)})`).join(' · ');
  const room = MATTERMOST_ATTACHMENT_TEXT_MAX - (links ? Array.from(links).length + 2 : 0);
  const text = truncateMarkup(body.text.trim(), room);
  if (text.cut || body.cut) truncated.push('attachments[0].text');
  const fields = view.facts.map((fact, index) => {
    const value = truncate(fact.value, FIELD_VALUE_MAX);
    if (value.cut) truncated.push(`attachments[0].fields[${index}].value`);
    return { short: true, title: fact.label, value: `${escapeMattermost(value.text)}${fact.id ? ` \`${fact.id.replaceAll('`', '')}\`` : ''}` };
  });
  const chatflow = view.linkUrls.chatflow;
  return {
    text: escapeMattermost(title.text),
    attachments: [
      {
        fallback: title.text,
        color: COLOR[view.status],
        title: title.text,
        ...(chatflow ? { title_link: chatflow } : {}),
        text: [text.text, links].filter(Boolean).join('\n\n'),
        fields,
        footer: view.footer,
      },
    ],
  };
}
