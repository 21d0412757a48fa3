import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { TRANSFORMER_NAMES, TRANSFORMERS, type TransformerName } from '../../../src/services/transformers/index.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
});

test('GET /v1/transformers lists every target with its settings and default templates', async () => {
  const res = await svc.api('GET', '/v1/transformers');
  expect(res.status).toBe(200);
  const names = res.body.data.map((t: { name: string }) => t.name);
  expect(names).toEqual([...TRANSFORMER_NAMES]);
  for (const t of res.body.data) expect([t.name, t.signed]).toEqual([t.name, TRANSFORMERS[t.name as TransformerName].signed]);
  const pd = res.body.data.find((t: { name: string }) => t.name === 'pagerduty');
  expect(pd.configFields.find((f: { name: string }) => f.name === 'routingKey')).toMatchObject({ required: true, secret: true });
  expect(pd.defaultTemplates.error_occurred.length).toBeGreaterThan(10);
});

test('preview renders an unsaved Slack form with a custom template, without sending', async () => {
  const res = await svc.api('POST', '/v1/preview', { transformer: 'slack', template: 'Flow {{chatflowName}} finished for {{user}}', event: 'flow_completed' });
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body.body);
  expect(JSON.stringify(body)).toContain('Flow Support triage finished for alice@company.com');
  expect(res.body.signed).toBe(false);
});

test('a broken template answers 400 on the template field with its position', async () => {
  const res = await svc.api('POST', '/v1/preview', { transformer: 'slack', template: '{{#if user}}unclosed' });
  expect(res.status).toBe(400);
  expect(res.body.error.field).toBe('template');
  expect(res.body.error.message).toMatch(/line \d+/);
});

test('a saved webhook previews with its own transformer; a bad template is refused when saved', async () => {
  const bad = await svc.api('POST', '/v1/webhooks', { url: 'https://hooks.slack.com/services/T0/B0/xyz', events: ['*'], transformer: 'slack', template: '{{nosuchfield}}' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe('template');
  const created = await svc.api('POST', '/v1/webhooks', { url: 'https://discord.com/api/webhooks/1/tok', events: ['*'], transformer: 'discord' });
  expect(created.status).toBe(201);
  expect(created.body.url).not.toContain('tok');
  const res = await svc.api('POST', `/v1/webhooks/${created.body.id}/preview`, { event: 'error_occurred' });
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body.body);
  expect(body.embeds[0].title).toMatch(/error|fail/i);
  expect(body.allowed_mentions).toEqual({ parse: [] });
});

test('previewing a saved PagerDuty webhook does not show its routing key', async () => {
  const routingKey = 'R0UTINGKEY0123456789abcdefABCDEF';
  const created = await svc.api('POST', '/v1/webhooks', { url: 'https://events.pagerduty.com/v2/enqueue', events: ['error_occurred'], transformer: 'pagerduty', transformerConfig: { routingKey } });
  expect(created.status).toBe(201);
  expect(JSON.stringify(created.body)).not.toContain(routingKey);
  const res = await svc.api('POST', `/v1/webhooks/${created.body.id}/preview`, { event: 'error_occurred' });
  expect(res.status).toBe(200);
  expect(res.body.body).not.toContain(routingKey);
  expect(JSON.parse(res.body.body).routing_key).toBe('••••••');
});

test('POST /v1/transformers/{name}/preview renders with the named transformer; an unknown name is a field error', async () => {
  const res = await svc.api('POST', '/v1/transformers/teams/preview', { event: 'evaluation_completed', template: '{{escapeSlack evaluationName}} done' });
  expect(res.status).toBe(200);
  const body = JSON.parse(res.body.body);
  expect(body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
  expect(JSON.stringify(body)).toContain('Nightly regression done');
  const bad = await svc.api('POST', '/v1/transformers/fax/preview', {});
  expect(bad.status).toBe(400);
  expect(bad.body.error.field).toBe('transformer');
});
