// The Google Chat message: a one-line `text` (what notifications show) and one cardsV2 card with
// a header (title, and workspace and event id beneath), the template's HTML, the facts and link
// buttons, cut to fit Chat's message size.
import type { EventView } from '../shared/event-view.js';
import { truncate, truncateMarkup, truncateToFit } from '../shared/text.js';
import { escapeChatText, escapeHtml } from './escape.js';

// https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create :
// "The maximum message size, including text and cards, is 32,000 bytes." Measured on our JSON,
// which is never smaller than what Chat counts.
export const GOOGLE_CHAT_MAX_BYTES = 32_000;
// A header line and short facts (our choice; Chat documents no per-widget limit).
const TITLE_MAX = 200;
const FACT_VALUE_MAX = 300;

interface Widget {
  textParagraph?: { text: string };
  decoratedText?: { topLabel: string; text: string; bottomLabel?: string; wrapText: true };
  buttonList?: { buttons: Array<{ text: string; onClick: { openLink: { url: string } } }> };
}

export interface GoogleChatMessage {
  text: string;
  cardsV2: Array<{
    cardId: string;
    card: { header: { title: string; subtitle: string }; sections: Array<{ widgets: Widget[] }> };
  }>;
  thread?: { threadKey: string };
}

/** Card text is HTML: newlines must be <br> to show. */
const htmlLines = (text: string): string => text.replace(/\r?\n/g, '<br>');

function message(view: EventView, html: string, threadKey: string | undefined): GoogleChatMessage {
  const title = truncate(view.title, TITLE_MAX).text;
  const sections: Array<{ widgets: Widget[] }> = [];
  if (html !== '') sections.push({ widgets: [{ textParagraph: { text: htmlLines(html) } }] });
  if (view.facts.length > 0) {
    sections.push({
      widgets: view.facts.map((fact) => ({
        decoratedText: {
          topLabel: fact.label,
          text: escapeHtml(truncate(fact.value, FACT_VALUE_MAX).text),
          ...(fact.id ? { bottomLabel: fact.id } : {}),
          wrapText: true,
        },
      })),
    });
  }
  if (view.links.length > 0) {
    const buttons = view.links.map((link) => ({ text: link.label, onClick: { openLink: { url: link.url } } }));
    sections.push({ widgets: [{ buttonList: { buttons } }] });
  }
  return {
    text: escapeChatText(title),
    cardsV2: [{ cardId: 'forjinn-event', card: { header: { title, subtitle: view.footer }, sections } }],
    ...(threadKey ? { thread: { threadKey } } : {}),
  };
}

const bytes = (value: GoogleChatMessage): number => Buffer.byteLength(JSON.stringify(value), 'utf8');

export function buildMessage(
  view: EventView,
  body: { text: string; cut: boolean },
  threadKey: string | undefined,
  truncated: string[],
): GoogleChatMessage {
  // Every character is at least a byte: text past the limit can never fit, drop it first.
  const start = truncateMarkup(body.text.trim(), GOOGLE_CHAT_MAX_BYTES);
  const fitted = truncateToFit(start.text, (candidate) => bytes(message(view, candidate, threadKey)) <= GOOGLE_CHAT_MAX_BYTES);
  const hasText = fitted.text !== '';
  if (start.cut || fitted.cut || body.cut) truncated.push('cardsV2[0].card.sections[0].widgets[0].textParagraph.text');
  if (Array.from(view.title).length > TITLE_MAX) truncated.push('cardsV2[0].card.header.title');
  view.facts.forEach((fact, index) => {
    if (Array.from(fact.value).length > FACT_VALUE_MAX) {
      truncated.push(`cardsV2[0].card.sections[${hasText ? 1 : 0}].widgets[${index}].decoratedText.text`);
    }
  });
  return message(view, fitted.text, threadKey);
}
