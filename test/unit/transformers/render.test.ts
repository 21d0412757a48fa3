// Every transformer in the registry renders every sample event into a body its target accepts,
// with and without links, as a test delivery, and with a 20,000-character model output.
import { describe, expect, it } from '@jest/globals';
import { eventWith, json, render } from '../../helpers/transformer-fixtures.js';
import { describeRendering, REGISTERED } from '../../helpers/target-contract.js';

// Each target's body checked by its own contract.ts checker (the vendor's rules).
for (const [name, target] of REGISTERED) describeRendering(name, target);

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
