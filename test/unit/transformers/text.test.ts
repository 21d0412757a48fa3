import { describe, expect, it } from '@jest/globals';
import { escapeChatText } from '../../../src/services/transformers/google-chat/escape.js';
import { escapeSlack } from '../../../src/services/transformers/slack/escape.js';
import { escapeTeams } from '../../../src/services/transformers/teams/escape.js';
import {
  fence,
  formatDuration,
  truncate,
  truncateMarkup,
  truncateToFit,
} from '../../../src/services/transformers/shared/text.js';

describe('truncate', () => {
  it('leaves text within the limit alone', () => {
    expect(truncate('abc', 3)).toEqual({ text: 'abc', cut: false });
  });

  it('cuts by code points and marks the cut with …', () => {
    expect(truncate('abcdef', 4)).toEqual({ text: 'abc…', cut: true });
    expect(truncate('😀😀😀😀', 3)).toEqual({ text: '😀😀…', cut: true });
  });

  it('can count UTF-16 units, for limits checked with string.length, without splitting a pair', () => {
    const cut = truncate('😀😀😀', 4, 'utf16');
    expect(cut.text).toBe('😀…');
    expect(cut.text.length).toBeLessThanOrEqual(4);
  });
});

describe('truncateMarkup', () => {
  it('does not leave half an entity or half a link', () => {
    expect(truncateMarkup('aaaa &amp; bbbbbbbbbbbbbbbbbb', 12).text).toBe('aaaa…');
    expect(truncateMarkup('see <https://example.com|the docs> now', 20).text).toBe('see…');
  });

  it('closes a code fence it cut open', () => {
    const cut = truncateMarkup(fence('x'.repeat(100)), 30).text;
    expect(cut.split('```')).toHaveLength(3);
    expect(Array.from(cut).length).toBeLessThanOrEqual(30);
  });

  it('truncateToFit finds the longest prefix a budget allows', () => {
    const cut = truncateToFit('a'.repeat(1000), (s) => Buffer.byteLength(s) <= 103);
    expect(Buffer.byteLength(cut.text)).toBeLessThanOrEqual(103);
    expect(Buffer.byteLength(cut.text)).toBeGreaterThan(95);
  });
});

describe('escaping', () => {
  it('slack: only & < >, so quotes stay quotes', () => {
    expect(escapeSlack(`<!here> <@U1> <http://x|y> & "q" 'a'`)).toBe(`&lt;!here&gt; &lt;@U1&gt; &lt;http://x|y&gt; &amp; "q" 'a'`);
  });

  it('teams: markdown that would format or link', () => {
    expect(escapeTeams('**b** _i_ [t](u) a-b\n- item\n1. one')).toBe('\\*\\*b\\*\\* \\_i\\_ [t\\](u) a-b\n\\- item\n1\\. one');
  });

  it('google chat text: <users/all> is not a mention', () => {
    expect(escapeChatText('<users/all>')).not.toContain('<users/all>');
  });

  it('fence: a ``` inside does not end the block', () => {
    expect(fence('a ``` b').split('```')).toHaveLength(3);
  });
});

describe('formatDuration', () => {
  it.each([
    [210, '210 ms'],
    [1523, '1.5 s'],
    [8840, '8.8 s'],
    [42_000, '42 s'],
    [412_000, '6 min 52 s'],
    [3_900_000, '1 h 5 min'],
    [undefined, ''],
    [-1, ''],
  ])('%s → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
