// Cursors of the request log and the events list: a page ends at a (created_at, id) and the next
// one starts after it, newest first.
import { invalid } from '../core/errors.js';
import { storableTime } from '../core/validate.js';
import { isUuid } from './webhooks.js';

// A cursor's time keeps PostgreSQL's microseconds: the rows of one batch (and their deliveries)
// share one created_at, and a cursor cut to JavaScript's milliseconds sorted after all of them,
// so the page after the first of a batch came back empty.
const CURSOR_AT = `to_char(%s at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
export const cursorAt = (column: string) => CURSOR_AT.replace('%s', column);
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.(\d{3}|\d{6})Z$/;

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(`${at}|${id}`).toString('base64url');
}

/** A cursor as encodeCursor made it; anything else (a forged time past PostgreSQL's range) is a 400. */
export function decodeCursor(cursor: unknown): { at: string; id: string } {
  const [at = '', id, ...rest] = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8').split('|') : [];
  const date = CURSOR_TIME.test(at) ? storableTime(at) : undefined;
  // The round trip refuses what Date quietly moves (February 30th is March 2nd to it).
  if (rest.length || !id || !isUuid(id) || !date || date.toISOString().slice(0, 23) !== at.slice(0, 23)) {
    throw invalid('cursor', 'is not a cursor this API returned');
  }
  return { at, id };
}
