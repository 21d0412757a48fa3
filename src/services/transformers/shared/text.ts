// Text handling shared by every target: cutting to a vendor limit without breaking a character
// or the markup around the cut. Escaping user or model text for a target's markup is the target's
// (escape.ts in its folder, with its template helper).

export const ELLIPSIS = '…';

/**
 * How a limit is counted. Vendors speak of "characters"; we cut on code points so an emoji is
 * never split. discord.js validates with `string.length` (UTF-16 units), so Discord fields are
 * measured that way: a cut that satisfies UTF-16 units also satisfies code points.
 */
export type Measure = 'codepoints' | 'utf16';

export function textLength(text: string, measure: Measure = 'codepoints'): number {
  return measure === 'utf16' ? text.length : Array.from(text).length;
}

export interface Cut {
  text: string;
  cut: boolean;
}

/** Cuts `text` to at most `max` characters, the last being "…". */
export function truncate(text: string, max: number, measure: Measure = 'codepoints'): Cut {
  if (textLength(text, measure) <= max) return { text, cut: false };
  if (max < 1) return { text: '', cut: true };
  let kept = '';
  let used = 0;
  for (const ch of text) {
    const size = measure === 'utf16' ? ch.length : 1;
    if (used + size > max - 1) break;
    kept += ch;
    used += size;
  }
  return { text: kept.trimEnd() + ELLIPSIS, cut: true };
}

const FENCE = '```';

/**
 * Like truncate, for text that carries markup: the cut must not leave half an entity (`&am…`,
 * shown raw by Slack and Google Chat), half a link or tag (`<https://x|Op…`), or an open code
 * fence that would swallow the rest of the message. Room for a closing fence is kept.
 */
export function truncateMarkup(text: string, max: number, measure: Measure = 'codepoints'): Cut {
  if (textLength(text, measure) <= max) return { text, cut: false };
  const reserve = FENCE.length + 1;
  const first = truncate(text, Math.max(1, max - reserve), measure);
  let kept = first.text.slice(0, -ELLIPSIS.length);
  kept = kept.replace(/&[#a-z0-9]{0,10}$/i, '').replace(/<[^<>\n]*$/, '').trimEnd();
  let result = kept + ELLIPSIS;
  if ((result.split(FENCE).length - 1) % 2 === 1) result += `\n${FENCE}`;
  return { text: result, cut: true };
}

/**
 * Cuts `text` to the longest prefix for which `fits` holds (binary search over code points), for
 * limits that are not a character count: Teams' message bytes, Discord's 6000 across embeds.
 */
export function truncateToFit(text: string, fits: (candidate: string) => boolean): Cut {
  if (fits(text)) return { text, cut: false };
  const chars = Array.from(text);
  let low = 0;
  let high = chars.length - 1;
  let best = '';
  while (low <= high) {
    const mid = (low + high) >> 1;
    const candidate = truncateMarkup(text, mid + 1).text;
    if (fits(candidate)) {
      best = candidate;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return { text: best, cut: true };
}

/** Collapses every run of whitespace (newlines included) to one space: for titles and summaries. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A fenced code block; a ``` inside the text would end the fence early. */
export function fence(text: string): string {
  return `${FENCE}\n${text.replaceAll(FENCE, '`\u200b`\u200b`')}\n${FENCE}`;
}

// ---- formatting numbers and times for people ----

export function formatDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${minutes} min`;
  return seconds > 0 ? `${minutes} min ${seconds} s` : `${minutes} min`;
}

const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? numberFormat.format(value) : '';
}

/** 0.915 → "91.5%". */
export function formatPercent(ratio: unknown): string {
  if (typeof ratio !== 'number' || !Number.isFinite(ratio)) return '';
  return `${(ratio * 100).toFixed(1).replace(/\.0$/, '')}%`;
}

/** "2026-06-15 12:00 UTC": unambiguous for readers in any time zone. */
export function formatTime(iso: unknown): string {
  if (typeof iso !== 'string') return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
