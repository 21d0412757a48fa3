// What an attempt keeps in the request log. The log is for a person reading what was sent and
// what came back; the event itself is kept once, whole, in events.payload. Storing every
// attempt's body whole made one ~1 MB event to a failing webhook with 20 attempts cost 20 MiB.
import { KEEP_LIMIT } from './http.js';

/**
 * The first 64 KiB of the body sent: enough to read any chat message (Teams' 28 KB is the
 * largest) and the start of any generic one; a delivery's 20 attempts keep 1.25 MiB at most.
 */
export const MAX_STORED_REQUEST_BODY = 64 * 1024;

/** The sender reads 64 KiB of an answer and keeps 16 KiB (http.ts); stored as kept, never more. */
export const MAX_STORED_RESPONSE_BODY = KEEP_LIMIT;

/**
 * Headers, each side: real ones are a few hundred bytes. The sender's parser already refuses an
 * answer head past 16 KiB; this bounds what is stored of what it lets through.
 */
export const MAX_STORED_HEADERS = 8 * 1024;
/** One header's value; a longer one is cut (and ends with "…"). */
export const MAX_STORED_HEADER_VALUE = 1024;
/** The attempt's error text (a reason, a template error): a few lines at most. */
export const MAX_STORED_ERROR = 2 * 1024;

/**
 * The request body an attempt stores. A body that is exactly the event's payload (a generic
 * webhook without a custom template sends the stored bytes as they are) is stored as NULL: the
 * event keeps it once, whole, and the request log shows events.payload for it (store/attempts.ts),
 * never cut. Anything else (a transformer's or a template's output) is kept as `keepText` keeps it,
 * with `hidden` (secret settings cut out) applied before the cut.
 */
export function keepRequestBody(sent: string | null, payload: string, hidden: (body: string) => string): { text: string | null; truncated: boolean } {
  // Only when nothing was to be hidden in it: what the log shows is then exactly what was sent.
  if (sent !== null && sent === payload && hidden(sent) === sent) return { text: null, truncated: false };
  return keepText(hidden(sent ?? ''), MAX_STORED_REQUEST_BODY);
}

/** Marks headers left out: `{"…": "3 more headers not stored"}`. */
export const MORE_HEADERS = '…';

/** The longest prefix of `buf` of at most `max` bytes that ends on a whole UTF-8 character. */
function utf8Prefix(buf: Buffer, max: number): string {
  let end = Math.min(max, buf.length);
  // Back off over continuation bytes (10xxxxxx) to the start of the character that was cut.
  if (end < buf.length) while (end > 0 && (buf[end] & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}

/**
 * `text` as stored: at most `maxBytes` of UTF-8, cut on a character boundary. NUL becomes U+FFFD:
 * PostgreSQL cannot store it, and an answer that holds one must not make its attempt unstorable.
 */
export function keepText(text: string, maxBytes: number): { text: string; truncated: boolean } {
  const clean = text.includes('\u0000') ? text.replace(/\u0000/g, '\uFFFD') : text;
  // A UTF-16 unit is at most 3 bytes: short texts need no encoding to know they fit.
  if (clean.length * 3 <= maxBytes || Buffer.byteLength(clean, 'utf8') <= maxBytes) return { text: clean, truncated: false };
  return { text: utf8Prefix(Buffer.from(clean, 'utf8'), maxBytes), truncated: true };
}

/** Headers as stored: values cut past MAX_STORED_HEADER_VALUE, then as many as fit `maxBytes`, in order. */
export function keepHeaders(headers: Record<string, string>, maxBytes = MAX_STORED_HEADERS): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(headers);
  let used = 0;
  for (let i = 0; i < entries.length; i++) {
    const [name, raw] = entries[i];
    const value = keepText(raw, MAX_STORED_HEADER_VALUE - 3);
    const shown = value.truncated ? `${value.text}…` : value.text;
    const size = Buffer.byteLength(name, 'utf8') + Buffer.byteLength(shown, 'utf8') + 6; // "name":"value",
    if (used + size > maxBytes) {
      out[MORE_HEADERS] = `${entries.length - i} more header${entries.length - i > 1 ? 's' : ''} not stored`;
      break;
    }
    out[name] = shown;
    used += size;
  }
  return out;
}

type Response = { status: number; headers: Record<string, string>; body: string; durationMs: number; bodyTruncated?: boolean };

/** An answer as stored: its body and headers within their bounds, `bodyTruncated` when cut here or by the sender. */
export function keepResponse<R extends Response>(r: R): R & { bodyTruncated: boolean } {
  const body = keepText(r.body, MAX_STORED_RESPONSE_BODY);
  return { ...r, headers: keepHeaders(r.headers), body: body.text, bodyTruncated: r.bodyTruncated === true || body.truncated };
}
