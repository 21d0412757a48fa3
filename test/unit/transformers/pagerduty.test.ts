import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { pagerduty, PAGERDUTY_DEFAULT_URL } from '../../../src/services/transformers/pagerduty/index.js';
import { CTX, eventWith, hugeOutput, json, render, ROUTING_KEY } from '../../helpers/transformer-fixtures.js';

const CHATFLOW = '3f1c2a9e-4b6d-4e8f-9a7b-2c1d0e9f8a7b';

describe('pagerduty', () => {
  it('triggers on error_occurred with the event severity, details and links', () => {
    const body = json(render('pagerduty', eventWith('error_occurred')));
    expect(body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      payload: {
        summary: "Support triage: credential error OPENAI_401: Incorrect API key provided for credential 'openai-prod'",
        severity: 'critical',
        source: 'app.forjinn.example',
        timestamp: '2026-06-15T15:22:41.000Z',
        component: 'Support triage',
        group: 'default',
        class: 'credential',
        custom_details: { error: { code: 'OPENAI_401' } },
      },
      client: 'Forjinn',
      client_url: 'https://hooks.forjinn.example/#/webhooks/wh_123',
    });
    expect(body.links[0].href).toBe(`https://app.forjinn.example/canvas/${CHATFLOW}`);
  });

  it('uses one dedup key per workspace and chatflow, so the next completion resolves the alert', () => {
    const error = json(render('pagerduty', eventWith('error_occurred')));
    const otherError = json(render('pagerduty', eventWith('error_occurred', { id: 'x', error: { kind: 'timeout', code: 'T1', message: 'slow' } })));
    const completed = json(render('pagerduty', eventWith('flow_completed')));
    const agentFailure = json(render('pagerduty', eventWith('agent_executed')));
    expect(completed).toEqual({ routing_key: ROUTING_KEY, event_action: 'resolve', dedup_key: error.dedup_key });
    expect(otherError.dedup_key).toBe(error.dedup_key);
    expect(agentFailure).toMatchObject({ event_action: 'trigger', dedup_key: error.dedup_key, payload: { severity: 'error' } });
    const expected = `forjinn-${createHash('sha256').update(['chatflow', 'default', CHATFLOW].join('\u0000')).digest('hex')}`;
    expect(error.dedup_key).toBe(expected);
    expect(error.dedup_key.length).toBeLessThanOrEqual(255);
  });

  it('keeps chatflows and workspaces apart', () => {
    const base = json(render('pagerduty', eventWith('error_occurred'))).dedup_key;
    expect(json(render('pagerduty', eventWith('error_occurred', { chatflowId: 'other' }))).dedup_key).not.toBe(base);
    expect(json(render('pagerduty', eventWith('error_occurred', { workspace: 'acme' }))).dedup_key).not.toBe(base);
  });

  it('sends other events as their own alerts, keyed by event id so retries do not duplicate', () => {
    const dataset = json(render('pagerduty', eventWith('dataset_updated')));
    expect(dataset).toMatchObject({ event_action: 'trigger', payload: { severity: 'info' } });
    // The same event sent again keeps its key, whatever else it carries; another event of the
    // same kind, differing only in its id, is another alert.
    expect(json(render('pagerduty', eventWith('dataset_updated', { rowsAdded: 7 }))).dedup_key).toBe(dataset.dedup_key);
    expect(json(render('pagerduty', eventWith('dataset_updated', { id: 'another-dataset-event' }))).dedup_key).not.toBe(dataset.dedup_key);
    expect(json(render('pagerduty', eventWith('evaluation_completed'))).payload.severity).toBe('warning');
    const passed = eventWith('evaluation_completed', { metrics: { total: 10, passed: 10, failed: 0, pass_rate: 1 } });
    expect(json(render('pagerduty', passed)).payload.severity).toBe('info');
  });

  it('follows the settings: fixed severity, no resolve', () => {
    const config = { routingKey: ROUTING_KEY, severity: 'warning', resolveOnSuccess: false };
    expect(json(render('pagerduty', eventWith('error_occurred'), { config })).payload.severity).toBe('warning');
    const completed = json(render('pagerduty', eventWith('flow_completed'), { config }));
    expect(completed).toMatchObject({ event_action: 'trigger', payload: { severity: 'warning' } });
  });

  it('keeps the summary within 1024 characters and details clipped, reporting both', () => {
    const event = eventWith('error_occurred', { error: { kind: 'model', code: 'X', message: hugeOutput(5000) } });
    const rendered = render('pagerduty', event);
    const body = json(rendered);
    expect(Array.from(body.payload.summary as string).length).toBeLessThanOrEqual(1024);
    expect(body.payload.summary.endsWith('…')).toBe(true);
    expect(rendered.truncated).toEqual(expect.arrayContaining(['payload.summary', 'payload.custom_details.error.message']));
  });

  it('marks test deliveries in the summary', () => {
    expect(json(render('pagerduty', eventWith('error_occurred'), { ctx: { test: true } })).payload.summary).toMatch(/^\[TEST\] /);
  });

  it('sends a test of any event as an info alert of its own: marked, keyed apart from the real incident, resolving nothing', () => {
    const test = { ctx: { ...CTX, test: true } };
    const real = json(render('pagerduty', eventWith('error_occurred')));
    const tested = json(render('pagerduty', eventWith('error_occurred', { id: 'test_1' }), test));
    expect(tested).toMatchObject({ event_action: 'trigger', payload: { severity: 'info', custom_details: { test: true, chatflowId: CHATFLOW } } });
    expect(tested.dedup_key).not.toBe(real.dedup_key);
    expect(tested.dedup_key).toMatch(/^forjinn-test-[0-9a-f]{64}$/);
    // Each Send Test (a fresh test event id) is its own alert.
    expect(json(render('pagerduty', eventWith('error_occurred', { id: 'test_2' }), test)).dedup_key).not.toBe(tested.dedup_key);
    // A tested flow_completed would resolve the chatflow's open incident: it triggers its own test alert instead.
    const completed = json(render('pagerduty', eventWith('flow_completed', { id: 'test_3' }), test));
    expect(completed).toMatchObject({ event_action: 'trigger', payload: { severity: 'info', summary: expect.stringMatching(/^\[TEST\] /) } });
    expect(completed.dedup_key).not.toBe(real.dedup_key);
    // Never critical, whatever the webhook's severity setting says.
    const config = { routingKey: ROUTING_KEY, severity: 'critical' };
    expect(json(render('pagerduty', eventWith('error_occurred'), { ...test, config })).payload.severity).toBe('info');
  });

  it.each([
    [{}, 'routingKey'],
    [{ routingKey: 'short' }, 'routingKey'],
    [{ routingKey: `${ROUTING_KEY}x` }, 'routingKey'],
    [{ routingKey: ROUTING_KEY, severity: 'fatal' }, 'severity'],
    [{ routingKey: ROUTING_KEY, resolveOnSuccess: 'yes' }, 'resolveOnSuccess'],
    [{ routingKey: ROUTING_KEY, routing_key: ROUTING_KEY }, 'routing_key'],
  ])('refuses settings %j naming field %s, without repeating the key', (raw, field) => {
    let error: unknown;
    try {
      pagerduty.parseConfig(raw);
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ name: 'TransformerError', code: 'invalid_config', field });
    expect((error as Error).message).not.toContain(ROUTING_KEY);
  });

  it('suggests the Events API v2 URL and refuses other PagerDuty endpoints', () => {
    expect(pagerduty.defaultUrl).toBe(PAGERDUTY_DEFAULT_URL);
    const config = pagerduty.parseConfig({ routingKey: ROUTING_KEY });
    expect(() => pagerduty.checkUrl?.(new URL('https://events.pagerduty.com/generic/2010-04-15/create_event.json'), config)).toThrow(
      expect.objectContaining({ code: 'invalid_url' }),
    );
    expect(() => pagerduty.checkUrl?.(new URL('https://events.eu.pagerduty.com/v2/enqueue'), config)).not.toThrow();
  });
});
