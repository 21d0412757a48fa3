import { describe, expect, it } from '@jest/globals';
import { getTransformer, TRANSFORMER_NAMES, TRANSFORMERS } from '../../../src/services/transformers/index.js';
import { TransformerError } from '../../../src/services/transformers/types.js';
import { BOT_TOKEN, CHAT_TARGETS, eventWith, HOOK_URL, json, RAW_CONFIG, render, ROUTING_KEY, SECRETS } from '../../helpers/transformer-fixtures.js';

describe('the registry', () => {
  it('lists the six targets, each under its own name', () => {
    expect(TRANSFORMER_NAMES).toEqual(['generic', 'slack', 'teams', 'discord', 'pagerduty', 'google-chat']);
    for (const name of TRANSFORMER_NAMES) {
      expect(TRANSFORMERS[name].name).toBe(name);
      expect(getTransformer(name)).toBe(TRANSFORMERS[name]);
      expect(TRANSFORMERS[name].label.length).toBeGreaterThan(0);
      expect(TRANSFORMERS[name].templateHelp?.length).toBeGreaterThan(0);
    }
  });

  it('knows nothing else, not even what objects inherit', () => {
    for (const name of ['nope', 'constructor', '__proto__', 'toString', 'Slack']) expect(getTransformer(name)).toBeUndefined();
  });

  it('runs chat targets one delivery at a time per webhook', () => {
    for (const name of CHAT_TARGETS) expect(TRANSFORMERS[name].defaultEndpointConcurrency).toBe(1);
    expect(TRANSFORMERS.generic.defaultEndpointConcurrency).toBeUndefined();
  });

  it('describes settings for the form, secrets marked', () => {
    const fields = Object.fromEntries(TRANSFORMER_NAMES.map((name) => [name, TRANSFORMERS[name].configFields.map((f) => f.name)]));
    expect(fields).toEqual({
      generic: [],
      slack: ['channel'],
      teams: [],
      discord: ['username', 'avatarUrl'],
      pagerduty: ['routingKey', 'severity', 'resolveOnSuccess'],
      'google-chat': ['threadKey'],
    });
    expect(TRANSFORMERS.pagerduty.configFields[0]).toMatchObject({ required: true, secret: true });
  });

  it.each(TRANSFORMER_NAMES)('%s refuses settings that are not an object, and unknown settings by name', (name) => {
    const transformer = TRANSFORMERS[name];
    expect(() => transformer.parseConfig('x')).toThrow(expect.objectContaining({ code: 'invalid_config' }));
    expect(() => transformer.parseConfig([1])).toThrow(TransformerError);
    const raw = { ...(RAW_CONFIG[name] as object), bogus: 1 };
    expect(() => transformer.parseConfig(raw)).toThrow(expect.objectContaining({ code: 'invalid_config', field: 'bogus' }));
  });

  it.each(TRANSFORMER_NAMES)('%s accepts its own URL', (name) => {
    const transformer = TRANSFORMERS[name];
    expect(() => transformer.checkUrl?.(new URL(HOOK_URL[name]), transformer.parseConfig(RAW_CONFIG[name]))).not.toThrow();
  });
});

describe('credentials stay where they belong', () => {
  it.each(TRANSFORMER_NAMES)('%s puts the webhook URL only in Rendered.url, never in the body', (name) => {
    for (const type of ['flow_completed', 'error_occurred'] as const) {
      const rendered = render(name, eventWith(type));
      // PagerDuty reads its routing key from the body; nothing else secret belongs there.
      const allowed = name === 'pagerduty' ? [ROUTING_KEY] : [];
      for (const secret of SECRETS.filter((s) => !allowed.includes(s))) expect(rendered.body).not.toContain(secret);
      expect(JSON.stringify(rendered.headers)).not.toContain('hooks.slack.com');
    }
  });

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
