// What an attempt keeps: bodies cut in bytes on a character boundary and flagged, header values
// cut and headers past the bound left out with a marker, NUL made storable.
import { describe, expect, test } from '@jest/globals';
import { keepHeaders, keepResponse, keepText, MAX_STORED_HEADER_VALUE, MAX_STORED_HEADERS, MAX_STORED_RESPONSE_BODY, MORE_HEADERS } from '../../../src/services/delivery/stored.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

describe('keepText', () => {
  test('a text within the bound is kept as it is', () => {
    expect(keepText('{"a":1}', 64)).toEqual({ text: '{"a":1}', truncated: false });
    expect(keepText('é'.repeat(32), 64)).toEqual({ text: 'é'.repeat(32), truncated: false });
  });

  test.each([
    ['ASCII', 'x', 1],
    ['two-byte', 'é', 2],
    ['three-byte', '€', 3],
    ['four-byte (a surrogate pair)', '🔥', 4],
  ])('%s text is cut to the bound in bytes, on a character boundary', (_what, ch, size) => {
    const { text, truncated } = keepText(ch.repeat(100), 64);
    expect(truncated).toBe(true);
    expect(bytes(text)).toBeLessThanOrEqual(64);
    expect(bytes(text)).toBeGreaterThan(64 - size);
    expect(text).toBe(ch.repeat(Math.floor(64 / size)));
  });

  test('NUL becomes U+FFFD (PostgreSQL cannot store it)', () => {
    expect(keepText('a\u0000b', 64).text).toBe('a\uFFFDb');
  });
});

describe('keepHeaders', () => {
  test('a long value is cut and ends with …', () => {
    const out = keepHeaders({ 'x-long': 'h'.repeat(10_000), ok: 'yes' });
    expect(out.ok).toBe('yes');
    expect(out['x-long']).toMatch(/^h+…$/);
    expect(bytes(out['x-long'])).toBeLessThanOrEqual(MAX_STORED_HEADER_VALUE);
  });

  test('headers past the bound are left out, and the marker says how many', () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-h${i}`, 'v'.repeat(100)]));
    const out = keepHeaders(many);
    expect(bytes(JSON.stringify(out))).toBeLessThanOrEqual(MAX_STORED_HEADERS + 64);
    const kept = Object.keys(out).filter((k) => k !== MORE_HEADERS).length;
    expect(out[MORE_HEADERS]).toBe(`${200 - kept} more headers not stored`);
    expect(Object.keys(out).slice(0, 3)).toEqual(['x-h0', 'x-h1', 'x-h2']);
  });
});

describe('keepResponse', () => {
  const r = { status: 500, headers: {}, durationMs: 3 };
  test('flags an answer the sender cut, or one cut here', () => {
    expect(keepResponse({ ...r, body: 'short', bodyTruncated: true }).bodyTruncated).toBe(true);
    expect(keepResponse({ ...r, body: 'short' }).bodyTruncated).toBe(false);
    const long = keepResponse({ ...r, body: '€'.repeat(MAX_STORED_RESPONSE_BODY) });
    expect(long.bodyTruncated).toBe(true);
    expect(bytes(long.body)).toBeLessThanOrEqual(MAX_STORED_RESPONSE_BODY);
  });
});
