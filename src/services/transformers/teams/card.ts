// The Adaptive Card Teams Workflows post: a coloured title, the template's text, the facts, a
// footer, and Action.OpenUrl links (Action.Submit does nothing in a Workflows post). The card is
// cut to fit Teams' message size. No Adaptive Cards library is a dependency; the few element
// shapes used are typed here from the schema (https://adaptivecards.io/explorer/).
import type { EventView, Status } from '../shared/event-view.js';
import { truncate, truncateMarkup, truncateToFit } from '../shared/text.js';
import { escapeTeams } from './escape.js';
import { TransformerError } from '../types.js';

// https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#rate-limiting-for-connectors
// A message is at most 28 KB; some tenants refuse well under it, so we aim for 20 KB.
export const TEAMS_MAX_BYTES = 28_000;
export const TEAMS_TARGET_BYTES = 20_000;
// A title, not a paragraph; facts are a glance (both our choice, far under any Teams limit).
const TITLE_MAX = 200;
const FACT_VALUE_MAX = 300;

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Small' | 'Medium';
  color?: 'Good' | 'Warning' | 'Attention' | 'Accent';
  isSubtle?: boolean;
  fontType?: 'Monospace';
}
interface FactSet {
  type: 'FactSet';
  facts: Array<{ title: string; value: string }>;
}
interface Container {
  type: 'Container';
  style: 'good' | 'warning' | 'attention' | 'accent';
  bleed: true;
  items: TextBlock[];
}
interface OpenUrl {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}
export type CardElement = TextBlock | FactSet | Container;

export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
      type: 'AdaptiveCard';
      version: '1.4';
      body: CardElement[];
      actions?: OpenUrl[];
    };
  }>;
}

const STYLE: Record<Status, { container: Container['style']; color: NonNullable<TextBlock['color']> }> = {
  success: { container: 'good', color: 'Good' },
  warning: { container: 'warning', color: 'Warning' },
  error: { container: 'attention', color: 'Attention' },
  info: { container: 'accent', color: 'Accent' },
};

/**
 * Template markdown to TextBlocks. Teams needs "\n\n" for a line break inside a TextBlock, and
 * has no code blocks: ``` fenced parts become Monospace TextBlocks.
 */
export function textBlocks(markdown: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let lines: string[] = [];
  let code = false;
  const flush = (): void => {
    const text = lines.filter((line) => line.trim() !== '').join('\n\n');
    if (text !== '') blocks.push({ type: 'TextBlock', text, wrap: true, ...(code ? { fontType: 'Monospace' as const } : {}) });
    lines = [];
  };
  for (const line of markdown.split('\n')) {
    if (line.trim().startsWith('```')) {
      flush();
      code = !code;
    } else {
      lines.push(line);
    }
  }
  flush();
  return blocks;
}

function card(view: EventView, text: string, truncated: string[]): TeamsMessage {
  const style = STYLE[view.status];
  const title = truncate(view.title, TITLE_MAX);
  if (title.cut) truncated.push('attachments[0].content.body[0].items[0].text');
  const body: CardElement[] = [
    {
      type: 'Container',
      style: style.container,
      bleed: true,
      items: [{ type: 'TextBlock', text: escapeTeams(title.text), wrap: true, weight: 'Bolder', size: 'Medium', color: style.color }],
    },
    ...textBlocks(text),
  ];
  if (view.facts.length > 0) {
    body.push({
      type: 'FactSet',
      facts: view.facts.map((fact) => {
        const value = truncate(fact.value, FACT_VALUE_MAX);
        if (value.cut) truncated.push(`attachments[0].content.body[${body.length}].facts`);
        return { title: escapeTeams(fact.label), value: escapeTeams(value.text) + (fact.id ? ` (${escapeTeams(fact.id)})` : '') };
      }),
    });
  }
  body.push({ type: 'TextBlock', text: escapeTeams(view.footer), wrap: true, isSubtle: true, size: 'Small' });
  const actions: OpenUrl[] = view.links.map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url }));
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          ...(actions.length ? { actions } : {}),
        },
      },
    ],
  };
}

const bytes = (message: TeamsMessage): number => Buffer.byteLength(JSON.stringify(message), 'utf8');

/** The card, with the template's text cut (at its end) until the message is at most 20 KB. */
export function buildCard(view: EventView, body: { text: string; cut: boolean }, truncated: string[]): string {
  // Every character is at least one byte, so text past the target can never fit: drop it before
  // searching for the longest prefix that does.
  const start = truncateMarkup(body.text.trim(), TEAMS_TARGET_BYTES);
  const fitted = truncateToFit(start.text, (candidate) => bytes(card(view, candidate, [])) <= TEAMS_TARGET_BYTES);
  const message = card(view, fitted.text, truncated);
  if (start.cut || fitted.cut || body.cut) {
    const lastText = message.attachments[0].content.body.length - (view.facts.length > 0 ? 3 : 2);
    truncated.push(`attachments[0].content.body[${Math.max(1, lastText)}].text`);
  }
  const json = JSON.stringify(message);
  // Unreachable with the caps above; a guard so a future element cannot silently break delivery.
  if (Buffer.byteLength(json, 'utf8') > TEAMS_MAX_BYTES) {
    throw new TransformerError('render_error', `the Teams card is over ${TEAMS_MAX_BYTES} bytes`);
  }
  return json;
}
