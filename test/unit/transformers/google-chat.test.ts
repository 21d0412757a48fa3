import { describe, expect, it } from '@jest/globals';
import { googleChat } from '../../../src/services/transformers/google-chat/index.js';
import { CHAT_HOOK, eventWith, hugeOutput, json, render } from '../../helpers/transformer-fixtures.js';

describe('google chat', () => {
  it('threads by the rendered key and asks Chat to reply into the thread', () => {
    const rendered = render('google-chat', eventWith('error_occurred'));
    expect(json(rendered).thread).toEqual({ threadKey: '3f1c2a9e-4b6d-4e8f-9a7b-2c1d0e9f8a7b' });
    const url = new URL(rendered.url as string);
    expect(url.searchParams.get('messageReplyOption')).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    expect(url.searchParams.get('key')).toBe(new URL(CHAT_HOOK).searchParams.get('key'));
  });

  it('posts unthreaded when the key renders empty for an event', () => {
    const rendered = render('google-chat', eventWith('dataset_updated'));
    expect(json(rendered).thread).toBeUndefined();
    expect(rendered.url).toBeUndefined();
  });

  it('posts unthreaded without a threadKey setting', () => {
    const rendered = render('google-chat', eventWith('flow_completed'), { config: {} });
    expect(json(rendered).thread).toBeUndefined();
    expect(rendered.url).toBeUndefined();
  });

  it('escapes HTML in card text and neutralises mentions in the text line', () => {
    const event = eventWith('flow_completed', { chatflowName: 'Ops <users/all>', output: '<b>hi</b> & <a href="x">y</a>' });
    const body = json(render('google-chat', event));
    expect(body.text).not.toContain('<users/all>');
    const paragraph: string = body.cardsV2[0].card.sections[0].widgets[0].textParagraph.text;
    expect(paragraph).toContain('&lt;b&gt;hi&lt;/b&gt; &amp; &lt;a href=&quot;x&quot;&gt;y&lt;/a&gt;');
    expect(paragraph).toContain('<br>');
  });

  it('stays within 32,000 bytes with a huge output and reports the cut', () => {
    const rendered = render('google-chat', eventWith('flow_completed', { output: hugeOutput(100_000) }));
    expect(Buffer.byteLength(rendered.body)).toBeLessThanOrEqual(32_000);
    expect(rendered.truncated).toContain('cardsV2[0].card.sections[0].widgets[0].textParagraph.text');
  });

  it('checks the thread key template when saved', () => {
    expect(() => googleChat.parseConfig({ threadKey: '{{#if chatflowId}}' })).toThrow(
      expect.objectContaining({ code: 'invalid_config', field: 'threadKey', message: expect.stringMatching(/line 1/) }),
    );
    expect(() => googleChat.parseConfig({ threadKey: 1 })).toThrow(expect.objectContaining({ field: 'threadKey' }));
  });

  it('refuses incomplete Google Chat URLs', () => {
    const bare = new URL('https://chat.googleapis.com/v1/spaces/AAAA/messages');
    expect(() => googleChat.checkUrl?.(bare, {})).toThrow(expect.objectContaining({ code: 'invalid_url', field: 'url' }));
    expect(() => googleChat.checkUrl?.(new URL(CHAT_HOOK), {})).not.toThrow();
  });
});
