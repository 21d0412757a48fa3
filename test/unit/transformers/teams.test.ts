import { describe, expect, it } from '@jest/globals';
import { textBlocks } from '../../../src/services/transformers/teams/card.js';
import { teams } from '../../../src/services/transformers/teams/index.js';
import { eventWith, hugeOutput, json, render } from '../../helpers/transformer-fixtures.js';

describe('teams', () => {
  it('posts the Workflows envelope exactly', () => {
    const rendered = render('teams', eventWith('flow_completed'));
    const body = json(rendered);
    expect(Object.keys(body)).toEqual(['type', 'attachments']);
    expect(Object.keys(body.attachments[0])).toEqual(['contentType', 'contentUrl', 'content']);
    expect(body.attachments[0].contentUrl).toBeNull();
    expect(rendered.contentType).toBe('application/json; charset=utf-8');
    expect(rendered.signed).toBe(false);
  });

  it('stays under 20 KB (and so under the 28 KB limit) with a huge output, and reports the cut', () => {
    const isTextPath = (path: string): boolean => /^attachments\[0\]\.content\.body\[\d+\]\.text$/.test(path);
    // The default template shows the first 3000 characters of the output.
    const byDefault = render('teams', eventWith('flow_completed', { output: hugeOutput(200_000) }));
    expect(Buffer.byteLength(byDefault.body)).toBeLessThanOrEqual(20_000);
    expect(byDefault.truncated.some(isTextPath)).toBe(true);
    // A template that shows all of it is cut by the card's size budget instead.
    const all = render('teams', eventWith('flow_completed', { output: hugeOutput(200_000) }), { template: '{{teams output}}' });
    const size = Buffer.byteLength(all.body);
    expect(size).toBeLessThanOrEqual(20_000);
    expect(size).toBeGreaterThan(19_000);
    expect(all.truncated.some(isTextPath)).toBe(true);
    expect(all.templateError).toBeUndefined();
  });

  it('counts bytes, not characters, for multi-byte output', () => {
    const rendered = render('teams', eventWith('flow_completed', { output: '日本語の出力'.repeat(5000) }));
    expect(Buffer.byteLength(rendered.body)).toBeLessThanOrEqual(20_000);
  });

  it('shows code fences as monospace blocks and breaks lines the way Teams needs', () => {
    expect(textBlocks('**Output**\nline one\nline two\n```\ncode\n```')).toEqual([
      { type: 'TextBlock', text: '**Output**\n\nline one\n\nline two', wrap: true },
      { type: 'TextBlock', text: 'code', wrap: true, fontType: 'Monospace' },
    ]);
  });

  it('escapes markdown from the event so it cannot become links or formatting', () => {
    const body = json(render('teams', eventWith('flow_completed', { input: '[click](https://evil.example) **now**' })));
    const text: string = body.attachments[0].content.body[1].text;
    expect(text).toContain('[click\\](https://evil.example) \\*\\*now\\*\\*');
  });

  it('uses Action.OpenUrl for the links', () => {
    const actions = json(render('teams', eventWith('error_occurred'))).attachments[0].content.actions;
    expect(actions.map((a: { type: string; title: string }) => [a.type, a.title])).toEqual([
      ['Action.OpenUrl', 'Open chatflow'],
      ['Action.OpenUrl', 'Delivery log'],
    ]);
  });

  it.each([
    'https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/456',
    'https://outlook.office.com/webhook/abc/IncomingWebhook/123',
  ])('refuses the retired Office 365 connector URL %s, pointing to Workflows', (url) => {
    expect(() => teams.checkUrl?.(new URL(url), {})).toThrow(
      expect.objectContaining({ code: 'invalid_url', field: 'url', message: expect.stringContaining('Workflows') }),
    );
  });

  it('accepts Workflows URLs', () => {
    const url = 'https://prod-11.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?sig=x';
    expect(() => teams.checkUrl?.(new URL(url), {})).not.toThrow();
  });

  it('has no settings', () => {
    expect(teams.parseConfig(undefined)).toEqual({});
    expect(() => teams.parseConfig({ title: 'x' })).toThrow(expect.objectContaining({ code: 'invalid_config', field: 'title' }));
  });
});
