// What may be shown of a secret, one rule for every place that shows one in part: the first four
// characters and "…", nothing of a secret shorter than twelve; and which URL of a webhook is shown.
import { describe, expect, test } from '@jest/globals';
import { hint, hintUrl } from '../../../src/core/reveal.js';
import { shownUrl } from '../../../src/core/shown-url.js';

describe('hint', () => {
  test('shows the first four characters of a secret of twelve or more', () => {
    expect(hint('xoxb-1234-5678-abcdefgh')).toBe('xoxb…');
    expect(hint('abcdefghijkl')).toBe('abcd…');
    // An API key's stored prefix (fjk_ and 8 random characters): only the marker shows.
    expect(hint('fjk_AbCdEfGh')).toBe('fjk_…');
  });

  test('shows nothing of a shorter secret', () => {
    for (const s of ['', 'a', 'abcd', 'abcdefgh', 'abcdefghijk']) expect(hint(s)).toBe('…');
  });

  test('counts characters, not UTF-16 units: an emoji is not cut in half', () => {
    expect(hint('😀😀😀😀😀😀😀😀😀😀😀😀')).toBe('😀😀😀😀…');
  });
});

describe('hintUrl', () => {
  test('keeps scheme and host, hints the path and query', () => {
    expect(hintUrl('https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX')).toBe('https://hooks.slack.com/ser…');
    expect(hintUrl('https://discord.com/api/webhooks/123/tok-en')).toBe('https://discord.com/api…');
    expect(hintUrl('https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t')).toBe('https://chat.googleapis.com/v1/…');
  });

  test('a short path or query shows nothing of itself; no path shows "/"', () => {
    expect(hintUrl('https://example.com/abc123')).toBe('https://example.com…');
    expect(hintUrl('https://example.com/?k=s3cr3t')).toBe('https://example.com…');
    expect(hintUrl('https://example.com')).toBe('https://example.com/');
  });

  test('something that is no URL shows nothing', () => {
    expect(hintUrl('not a url, maybe a token')).toBe('…');
  });
});

describe('shownUrl', () => {
  const generic = { url: 'https://example.com/hooks/forjinn', urlMasked: 'https://example.com/hoo…' };
  const slack = { url: 'https://hooks.slack.com/services/T/B/X', urlMasked: 'https://hooks.slack.com/ser…' };

  test('a signed target\'s URL in full to its own workspace, hinted in a Slack channel', () => {
    expect(shownUrl(generic, true, 'workspace')).toBe(generic.url);
    expect(shownUrl(generic, true, 'channel')).toBe(generic.urlMasked);
  });

  test("an unsigned (chat) target's URL (its credential) hinted to everyone", () => {
    expect(shownUrl(slack, false, 'workspace')).toBe(slack.urlMasked);
    expect(shownUrl(slack, false, 'channel')).toBe(slack.urlMasked);
  });
});
