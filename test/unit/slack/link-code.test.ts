// Link codes as a person types them: read off a screen, lower case, with or without dashes.
// Each is 16 characters of Crockford's base32 (80 bits); anything else is no code at all.
import { describe, expect, test } from '@jest/globals';
import { newLinkCode, normalizeLinkCode } from '../../../src/services/slack-links/link-codes.js';

describe('link codes', () => {
  test('are XXXX-XXXX-XXXX-XXXX without I, L, O or U, and differ every time', () => {
    const codes = Array.from({ length: 2000 }, newLinkCode);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(new Set(codes).size).toBe(codes.length);
    // Every one of the 32 characters turns up: the alphabet is used whole, not a part of it.
    expect(new Set(codes.join('').replace(/-/g, '')).size).toBe(32);
  });

  test('are read in any case, with dashes or spaces or neither', () => {
    const code = newLinkCode();
    const bare = code.replace(/-/g, '');
    expect(normalizeLinkCode(code)).toBe(bare);
    expect(normalizeLinkCode(code.toLowerCase())).toBe(bare);
    expect(normalizeLinkCode(bare)).toBe(bare);
    expect(normalizeLinkCode(code.replace(/-/g, ' '))).toBe(bare);
  });

  test('anything of another length or alphabet is not a code', () => {
    for (const raw of ['', 'ABCD', 'ABCD-EFGH-JKMN-PQR', 'ABCD-EFGH-JKMN-PQRST', 'ABCD-EFGH-IJKL-MNOP', 'ABCD-EFGH-JKMN-PQR\u0000', '🔥🔥🔥🔥-EFGH-JKMN-PQRS']) {
      expect([raw, normalizeLinkCode(raw)]).toEqual([raw, undefined]);
    }
  });
});
