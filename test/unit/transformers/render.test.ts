// Every transformer renders every sample event into a body its target accepts, with and without
// links, as a test delivery, and with a 20,000-character model output.
import { describe, expect, it } from '@jest/globals';
import { embedLength } from 'discord.js';
import { TRANSFORMER_NAMES, type TransformerName } from '../../../src/services/transformers/index.js';
import type { Rendered } from '../../../src/services/transformers/types.js';
import { CTX, EVENT_TYPES_LIST, eventWith, hugeOutput, json, render, strings } from '../../helpers/transformer-fixtures.js';

const codePoints = (s: string): number => Array.from(s).length;

/** The target's own rules for a body, one checker per target. */
const VALID: Record<TransformerName, (rendered: Rendered) => void> = {
  generic(r) {
    expect(r.signed).toBe(true);
    expect(typeof json(r).event).toBe('string');
  },
  slack(r) {
    const body = json(r);
    expect(typeof body.text).toBe('string');
    expect(body.text.length).toBeGreaterThan(0);
    expect(body.blocks.length).toBeLessThanOrEqual(50);
    let blockText = 0;
    for (const block of body.blocks) {
      expect(['header', 'section', 'context']).toContain(block.type);
      if (block.type === 'header') {
        expect(block.text.type).toBe('plain_text');
        expect(codePoints(block.text.text)).toBeLessThanOrEqual(150);
      }
      if (block.type === 'section' && block.text) expect(codePoints(block.text.text)).toBeLessThanOrEqual(3000);
      if (block.type === 'section' && block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const f of block.fields) expect(codePoints(f.text)).toBeLessThanOrEqual(2000);
      }
      for (const [path, text] of strings(block)) if (path.endsWith('text')) blockText += codePoints(text);
    }
    expect(blockText).toBeLessThanOrEqual(12_000);
  },
  teams(r) {
    expect(r.contentType).toBe('application/json; charset=utf-8');
    expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(20_000);
    const body = json(r);
    expect(body.type).toBe('message');
    expect(body.attachments).toHaveLength(1);
    const [attachment] = body.attachments;
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(attachment.contentUrl).toBeNull();
    expect(attachment.content).toMatchObject({
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
    });
    for (const action of attachment.content.actions ?? []) expect(action.type).toBe('Action.OpenUrl');
  },
  discord(r) {
    const body = json(r);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.username).toBe('Forjinn');
    expect(body.embeds).toHaveLength(1);
    const [embed] = body.embeds;
    expect(embedLength(embed)).toBeLessThanOrEqual(6000);
    expect(embed.title.length).toBeLessThanOrEqual(256);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(4096);
    expect(embed.fields.length).toBeLessThanOrEqual(25);
    for (const f of embed.fields) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    expect(embed.footer.text.length).toBeLessThanOrEqual(2048);
    expect(body.content).toBeUndefined();
  },
  pagerduty(r) {
    const body = json(r);
    expect(body.routing_key).toHaveLength(32);
    expect(body.dedup_key.length).toBeLessThanOrEqual(255);
    expect(['trigger', 'resolve']).toContain(body.event_action);
    if (body.event_action === 'trigger') {
      expect(codePoints(body.payload.summary)).toBeGreaterThan(0);
      expect(codePoints(body.payload.summary)).toBeLessThanOrEqual(1024);
      expect(['critical', 'error', 'warning', 'info']).toContain(body.payload.severity);
      expect(body.payload.source).toBeTruthy();
      expect(body.client).toBe('Forjinn');
    }
  },
  'google-chat'(r) {
    expect(Buffer.byteLength(r.body)).toBeLessThanOrEqual(32_000);
    const body = json(r);
    expect(typeof body.text).toBe('string');
    expect(body.cardsV2[0].card.header.title).toBeTruthy();
    expect(body.cardsV2[0].card.sections.length).toBeGreaterThan(0);
  },
};

describe.each(TRANSFORMER_NAMES)('%s renders', (name) => {
  it.each(EVENT_TYPES_LIST)('the %s sample into a valid body', (type) => {
    const rendered = render(name, eventWith(type));
    VALID[name](rendered);
    expect(rendered.truncated).toEqual([]);
    expect(rendered.templateError).toBeUndefined();
  });

  it.each(EVENT_TYPES_LIST)('the %s sample without links or URLs configured', (type) => {
    const rendered = render(name, eventWith(type), { ctx: { appUrl: undefined, publicUrl: undefined, webhookUrl: undefined } });
    VALID[name](rendered);
    expect(rendered.body).not.toContain('/canvas/');
    expect(rendered.url).toBeUndefined();
  });

  it('a 20,000-character output, cut to fit and reported', () => {
    for (const type of ['flow_completed', 'agent_executed'] as const) {
      const rendered = render(name, eventWith(type, { output: hugeOutput(20_000) }));
      VALID[name](rendered);
      // PagerDuty resolves on flow_completed: a resolve carries no output to cut.
      const carriesOutput = name !== 'generic' && !(name === 'pagerduty' && type === 'flow_completed');
      if (carriesOutput) expect(rendered.truncated.length).toBeGreaterThan(0);
    }
  });

  it('a test delivery, marked as one', () => {
    const rendered = render(name, eventWith('flow_completed'), { ctx: { test: true } });
    VALID[name](rendered);
    if (name === 'generic') expect(json(rendered).test).toBe(true);
    else if (name !== 'pagerduty') expect(rendered.body).toContain('[TEST]');
  });

  it('links to the chatflow and the delivery log when URLs are configured', () => {
    const rendered = render(name, eventWith('error_occurred'));
    if (name === 'generic') return;
    expect(rendered.body).toContain(`${CTX.appUrl}/canvas/3f1c2a9e-4b6d-4e8f-9a7b-2c1d0e9f8a7b`);
    expect(rendered.body).toContain(`${CTX.publicUrl}/#/webhooks/wh_123`);
  });
});

describe('errors look like errors', () => {
  it('in every chat target', () => {
    const event = eventWith('error_occurred');
    expect(json(render('slack', event)).blocks[0].text.text).toMatch(/^🚨 Critical error/);
    expect(json(render('discord', event)).embeds[0].color).toBe(0xed4245);
    const card = json(render('teams', event)).attachments[0].content.body[0];
    expect(card).toMatchObject({ style: 'attention', items: [{ color: 'Attention' }] });
    expect(json(render('pagerduty', event)).payload.severity).toBe('critical');
    expect(json(render('google-chat', event)).cardsV2[0].card.header.title).toMatch(/^🚨/);
  });

  it('and a success looks like one', () => {
    const event = eventWith('flow_completed');
    expect(json(render('discord', event)).embeds[0].color).toBe(0x57f287);
    expect(json(render('teams', event)).attachments[0].content.body[0].style).toBe('good');
  });
});
