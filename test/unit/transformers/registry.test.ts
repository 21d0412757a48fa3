// The registry is the one list of targets: each entry is its own name, the first is the default
// and the plain signed receiver, and every entry declares what it is and takes its contract's
// settings (test/helpers/target-contract.ts: the same suites a throwaway target gets).
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_TRANSFORMER, getTransformer, HELPER_NAMES, TRANSFORMER_NAMES, TRANSFORMERS } from '../../../src/services/transformers/index.js';
import { BOT_TOKEN, eventWith, json, render, ROUTING_KEY } from '../../helpers/transformer-fixtures.js';
import { describeDeclarations, describeSettings, REGISTERED } from '../../helpers/target-contract.js';

describe('the registry', () => {
  it('lists each target under its own name', () => {
    expect(new Set(TRANSFORMER_NAMES).size).toBe(TRANSFORMER_NAMES.length);
    for (const name of TRANSFORMER_NAMES) {
      expect(TRANSFORMERS[name].name).toBe(name);
      expect(getTransformer(name)).toBe(TRANSFORMERS[name]);
    }
  });

  it('takes its first entry as the default target, the plain signed receiver, the only signed one', () => {
    expect(DEFAULT_TRANSFORMER).toBe(TRANSFORMER_NAMES[0]);
    expect(TRANSFORMER_NAMES.filter((name) => TRANSFORMERS[name].signed)).toEqual([DEFAULT_TRANSFORMER]);
    expect(TRANSFORMERS[DEFAULT_TRANSFORMER].defaultEndpointConcurrency).toBeUndefined();
  });

  it('knows nothing else, not even what objects inherit', () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 'Slack']) expect(getTransformer(name)).toBeUndefined();
  });

  it('has every target\'s helpers among the template helpers, each name once', () => {
    const names = TRANSFORMER_NAMES.flatMap((name) => (TRANSFORMERS[name].helpers ?? []).map((h) => h.name));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(HELPER_NAMES).toContain(name);
    expect(HELPER_NAMES).toEqual(expect.arrayContaining(['json', 'truncate', 'fence']));
  });

  it('marks secret settings for the form', () => {
    expect(TRANSFORMERS.pagerduty.configFields.find((f) => f.name === 'routingKey')).toMatchObject({ required: true, secret: true });
  });
});

for (const [name, target] of REGISTERED) {
  describeDeclarations(name, target);
  describeSettings(name, target);
}

describe('credentials stay where they belong', () => {
  it('the bot token goes in the Authorization header and nowhere else', () => {
    const rendered = render('slack', eventWith('flow_completed'), { config: { channel: 'C0123ABCD' }, ctx: { slackBotToken: BOT_TOKEN } });
    expect(rendered.headers.Authorization).toBe(`Bearer ${BOT_TOKEN}`);
    expect(rendered.body).not.toContain(BOT_TOKEN);
    expect(rendered.url).not.toContain(BOT_TOKEN);
  });

  it('the routing key is sent in the body, where PagerDuty reads it', () => {
    const rendered = render('pagerduty', eventWith('error_occurred'));
    expect(json(rendered).routing_key).toBe(ROUTING_KEY);
    expect(rendered.headers).toEqual({});
  });
});
