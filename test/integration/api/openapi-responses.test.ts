// The OpenAPI document says what the API answers: every operation is called on a running
// service, in its success case and in error cases, and each real answer (status, media type,
// body) is checked against the document's schema for that operation and status, with Ajv
// (JSON Schema 2020-12, OpenAPI 3.1's dialect). A status the document does not list, a body
// field it does not describe or a type it gets wrong fails here; so does an operation no call
// reached in its success case.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';
import { slackSignature } from '../../helpers/slack-signature.js';

// ajv-formats is CommonJS: its default export arrives as the module object under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv2020) => void;

const SIGNING_SECRET = 'openapi-test-signing-secret';
const TEAM = 'T0OPENAPI1';

interface Operation {
  path: string;
  method: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

let doc: { paths: Record<string, Record<string, { operationId: string; responses: Operation['responses'] }>> };
let ajv: Ajv2020;
const operations = new Map<string, Operation>();
/** operationId → the statuses seen answered (and checked). */
const seen = new Map<string, Set<number>>();

const { svc, rx: receiver } = useRig({ env: { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: 'xoxb-openapi-test', SLACK_API_URL: 'http://127.0.0.1:9/api/' } });
beforeAll(async () => {
  doc = await (await fetch(`${svc.url}/openapi.json`)).json();
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi');
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) operations.set(op.operationId, { path, method, responses: op.responses });
  }
});

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

interface Call {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Sent as is (with its own content-type), not as JSON. */
  raw?: { type: string; text: string };
  headers?: Record<string, string>;
  key?: string | null;
}

/** Calls an operation by its operationId and checks the answer against the document. */
async function call(operationId: string, c: Call = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const op = operations.get(operationId);
  if (!op) throw new Error(`no operation ${operationId} in the document`);
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(c.params?.[name] ?? ''));
  const query = c.query ? `?${new URLSearchParams(c.query)}` : '';
  const headers: Record<string, string> = { ...(c.key === null ? {} : { authorization: `Bearer ${c.key ?? svc.key}` }), ...c.headers };
  let body: string | undefined;
  if (c.raw) [headers['content-type'], body] = [c.raw.type, c.raw.text];
  else if (c.body !== undefined) [headers['content-type'], body] = ['application/json', JSON.stringify(c.body)];
  const res = await fetch(`${svc.url}${path}${query}`, { method: op.method.toUpperCase(), headers, body });
  const text = await res.text();
  const where = `${operationId} (${op.method.toUpperCase()} ${path}) answered ${res.status}: ${text.slice(0, 300)}`;

  const documented = op.responses[String(res.status)];
  expect({ where, documented: documented !== undefined }).toEqual({ where, documented: true });
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
  const media = Object.keys(documented.content ?? {});
  let parsed: unknown = text;
  if (media.length === 0) {
    expect({ where, body: text }).toEqual({ where, body: '' });
  } else if (media.includes('application/json')) {
    expect({ where, type }).toEqual({ where, type: 'application/json' });
    parsed = JSON.parse(text);
    const validate = ajv.getSchema(`openapi#/${pointer('paths', op.path, op.method, 'responses', String(res.status), 'content', 'application/json', 'schema')}`);
    expect({ where, schema: validate !== undefined }).toEqual({ where, schema: true });
    const ok = validate!(parsed);
    expect({ where, errors: ok ? [] : validate!.errors }).toEqual({ where, errors: [] });
  } else {
    expect({ where, type: media.includes(type) || media.includes('*/*') }).toEqual({ where, type: true });
  }
  (seen.get(operationId) ?? seen.set(operationId, new Set()).get(operationId)!).add(res.status);
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A `/forjinn <text>` slash command, signed by Slack's rule. */
function slashCommand(text: string): Call {
  const body = new URLSearchParams({
    command: '/forjinn',
    text,
    team_id: TEAM,
    team_domain: 'example',
    user_id: 'U0OPENAPI1',
    channel_id: 'C0OPENAPI1',
    channel_name: 'openapi',
    response_url: 'http://127.0.0.1:9/not-used',
    trigger_id: '1.2.3',
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    key: null,
    raw: { type: 'application/x-www-form-urlencoded', text: body },
    headers: { 'x-slack-request-timestamp': ts, 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
  };
}

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('every answer of the API matches its OpenAPI schema', () => {
  let hookId = '';
  let testDeliveryId = '';

  test('the document: every operation has an operationId and a schema for each answer with a body', () => {
    const ids = [...operations.keys()];
    expect(ids.length).toBeGreaterThan(25);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9]*$/);
    for (const [id, op] of operations) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (status === '204' || status === '304') continue;
        expect({ id, status, content: Object.keys(r.content ?? {}).length > 0 }).toEqual({ id, status, content: true });
      }
    }
  });

  test('ops, workspace and transformers', async () => {
    expect((await call('getHealthz', { key: null })).body.status).toBe('ok');
    expect((await call('getOpenApiDocument', { key: null })).body.openapi).toBe('3.1.0');
    expect((await call('getMetrics', { key: null })).body).toContain('# HELP');
    expect((await call('getWorkspace')).status).toBe(200);
    expect((await call('getWorkspace', { key: 'fjk_not-a-key' })).status).toBe(401);
    expect((await call('getWorkspace', { key: null })).status).toBe(401);
    expect((await call('listTransformers')).body.data.length).toBeGreaterThan(3);
    expect((await call('preview', { body: { transformer: 'slack', event: 'error_occurred' } })).status).toBe(200);
    expect((await call('preview', { body: { transformer: 'nope' } })).status).toBe(400);
    expect((await call('previewTransformer', { params: { name: 'discord' }, body: {} })).status).toBe(200);
    expect((await call('previewTransformer', { params: { name: 'generic' }, body: { template: '{{#if}}' } })).status).toBe(400);
  });

  test('webhooks', async () => {
    const created = await call('createWebhook', { body: { url: `${receiver.url}/hook`, events: ['*'], headers: { 'X-Team': 'a' } } });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    hookId = created.body.id;
    expect((await call('createWebhook', { body: { url: `${receiver.url}/hook`, events: [] } })).status).toBe(400);
    expect((await call('createWebhook', { raw: { type: 'application/json', text: '{"url":' } })).status).toBe(400);
    expect((await call('createWebhook', { raw: { type: 'text/plain', text: 'url' } })).status).toBe(415);
    expect((await call('createWebhook', { body: { url: `${receiver.url}/hook`, events: ['*'], description: 'x'.repeat(1024 * 1024) } })).status).toBe(413);
    const unsigned = await call('createWebhook', { body: { url: `${receiver.url}/chat`, events: ['flow_completed'], secret: null, transformer: 'slack' } });
    expect(unsigned.body.secret).toBeNull();

    expect((await call('listWebhooks')).body.data.length).toBe(2);
    expect((await call('getWebhook', { params: { id: hookId } })).body.id).toBe(hookId);
    expect((await call('getWebhook', { params: { id: MISSING } })).status).toBe(404);
    expect((await call('updateWebhook', { params: { id: hookId }, body: { description: 'described', maxAttempts: 3 } })).body.description).toBe('described');
    expect((await call('updateWebhook', { params: { id: hookId }, body: { maxAttempts: 0 } })).status).toBe(400);
    expect((await call('updateWebhook', { params: { id: MISSING }, body: {} })).status).toBe(404);
    const rotated = await call('rotateWebhookSecret', { params: { id: hookId }, body: { graceSeconds: 60 } });
    expect(rotated.body.previousSecretExpiresAt).not.toBeNull();
    expect((await call('getWebhook', { params: { id: hookId } })).body.secretRotation).not.toBeNull();
    expect((await call('rotateWebhookSecret', { params: { id: hookId }, body: { graceSeconds: -1 } })).status).toBe(400);
    expect((await call('previewWebhook', { params: { id: unsigned.body.id }, body: { event: 'flow_completed' } })).status).toBe(200);
    expect((await call('previewWebhook', { params: { id: MISSING }, body: {} })).status).toBe(404);

    expect((await call('deleteWebhook', { params: { id: unsigned.body.id } })).status).toBe(204);
    expect((await call('deleteWebhook', { params: { id: unsigned.body.id } })).status).toBe(404);
  });

  test('events', async () => {
    const event = { event: 'flow_completed', id: 'evt-openapi-1', chatflowId: 'cf-1', output: 'done' };
    const accepted = await call('createEvent', { body: event });
    expect(accepted.status).toBe(202);
    expect(accepted.body.deliveries).toBe(1);
    const again = await call('createEvent', { body: event });
    expect([again.status, again.body.duplicate]).toEqual([200, true]);
    // Through express rather than the fast path: a charset it does not take as is.
    expect((await call('createEvent', { raw: { type: 'application/json; charset=UTF-8', text: JSON.stringify({ ...event, id: 'evt-openapi-2' }) } })).status).toBe(202);
    expect((await call('createEvent', { body: { event: 'flow_completed' } })).status).toBe(400);
    expect((await call('createEvent', { raw: { type: 'application/json', text: 'nope' } })).status).toBe(400);
    expect((await call('createEvent', { raw: { type: 'text/plain', text: JSON.stringify(event) } })).status).toBe(415);
    expect((await call('createEvent', { body: { ...event, output: 'x'.repeat(1024 * 1024) } })).status).toBe(413);
    expect((await call('createEvent', { body: event, key: 'fjk_wrong' })).status).toBe(401);

    const batch = await call('createEventBatch', { body: { events: [{ ...event, id: 'evt-openapi-3' }, event, { event: 'flow_completed' }] } });
    expect([batch.body.accepted, batch.body.duplicates, batch.body.rejected]).toEqual([1, 1, 1]);
    expect((await call('createEventBatch', { body: { events: [] } })).status).toBe(400);

    const events = await call('listEvents', { query: { limit: '2' } });
    expect(events.body.data).toHaveLength(2);
    expect(events.body.nextCursor).not.toBeNull();
    expect((await call('listEvents', { query: { cursor: events.body.nextCursor } })).status).toBe(200);
    expect((await call('listEvents', { query: { limit: '0' } })).status).toBe(400);
    await eventually(async () => (await svc.api('GET', '/v1/events/evt-openapi-1')).body.deliveries?.[0]?.status === 'succeeded', { what: 'the event delivered' });
    expect((await call('getEvent', { params: { id: 'evt-openapi-1' } })).body.deliveries).toHaveLength(1);
    expect((await call('getEvent', { params: { id: 'no-such-event' } })).status).toBe(404);
  });

  test('deliveries: Send Test, the request log, redeliver, recover, health', async () => {
    const sent = await call('sendTestDelivery', { params: { id: hookId }, body: { event: 'error_occurred' } });
    expect(sent.body.outcome).toBe('success');
    testDeliveryId = sent.body.deliveryId;
    expect((await call('sendTestDelivery', { params: { id: hookId }, body: { event: 'nope' } })).status).toBe(400);
    expect((await call('sendTestDelivery', { params: { id: MISSING }, body: {} })).status).toBe(404);

    const log = await call('listWebhookDeliveries', { params: { id: hookId }, query: { limit: '1' } });
    expect(log.body.data).toHaveLength(1);
    expect((await call('listWebhookDeliveries', { params: { id: hookId }, query: { status: 'succeeded' } })).body.data.length).toBeGreaterThan(1);
    expect((await call('listWebhookDeliveries', { params: { id: hookId }, query: { status: 'nope' } })).status).toBe(400);
    expect((await call('listWebhookDeliveries', { params: { id: MISSING } })).status).toBe(404);

    const one = await call('getDelivery', { params: { id: testDeliveryId } });
    expect(one.body.attempts).toHaveLength(1);
    expect((await call('getDelivery', { params: { id: MISSING } })).status).toBe(404);

    expect((await call('redeliverDelivery', { params: { id: testDeliveryId } })).body.status).toBe('pending');
    expect((await call('redeliverDelivery', { params: { id: MISSING } })).status).toBe(404);
    expect((await call('recoverWebhookDeliveries', { params: { id: hookId }, query: { since: '2026-01-01T00:00:00Z' } })).status).toBe(202);
    expect((await call('recoverWebhookDeliveries', { params: { id: hookId } })).status).toBe(400);

    await eventually(async () => (await svc.api('GET', `/v1/webhooks/${hookId}/health`)).body.lastDelivery, { what: 'a delivery tried' });
    expect((await call('getWebhookHealth', { params: { id: hookId } })).body.webhookId).toBe(hookId);
    expect((await call('getWebhookHealth', { params: { id: MISSING } })).status).toBe(404);

    // A disabled webhook's deliveries are not sent again: 409.
    await call('updateWebhook', { params: { id: hookId }, body: { enabled: false } });
    expect((await call('redeliverDelivery', { params: { id: testDeliveryId } })).status).toBe(409);
    expect((await call('recoverWebhookDeliveries', { params: { id: hookId }, query: { since: '2026-01-01T00:00:00Z' } })).status).toBe(409);
  });

  test('mutes', async () => {
    const chat = await call('createWebhook', { body: { url: `${receiver.url}/muted-chat`, events: ['*'], secret: null, transformer: 'slack' } });
    const made = await call('createMute', { body: { chatflowId: 'cf-openapi', webhookId: chat.body.id, for: '1h' } });
    expect(made.status).toBe(201);
    expect((await call('createMute', { body: { chatflowId: 'cf-openapi', slackChannel: 'C0OPENAPI1', until: '2020-01-01T00:00:00Z' } })).status).toBe(201);
    expect((await call('createMute', { body: { chatflowId: 'cf-openapi', webhookId: chat.body.id, for: '1y' } })).status).toBe(400);
    expect((await call('createMute', { body: { chatflowId: 'cf-openapi', webhookId: MISSING, for: '1h' } })).status).toBe(404);
    expect((await call('listMutes')).body.data.map((m: { id: string }) => m.id)).toEqual([made.body.id]);
    expect((await call('listMutes', { query: { all: 'true' } })).body.data).toHaveLength(2);
    expect((await call('listMutes', { query: { all: 'yes' } })).status).toBe(400);
    expect((await call('deleteMute', { params: { id: made.body.id } })).status).toBe(204);
    expect((await call('deleteMute', { params: { id: made.body.id } })).status).toBe(404);
  });

  test('Slack: link codes, the signed receiver, links', async () => {
    const code = await call('createSlackLinkCode', { body: {} });
    expect(code.status).toBe(201);
    expect((await call('createSlackLinkCode', { body: { team: TEAM } })).status).toBe(400);
    expect((await call('linkSlackTeam', { body: { team: TEAM } })).status).toBe(403);
    const linked = await call('receiveSlackRequest', slashCommand(`link ${code.body.code}`));
    expect(JSON.stringify(linked.body)).toContain('Linked');
    expect((await call('receiveSlackRequest', { ...slashCommand('help'), headers: { 'x-slack-request-timestamp': '1', 'x-slack-signature': 'v0=00' } })).status).toBe(401);
    expect((await call('listSlackLinks')).body.data.map((l: { team: string }) => l.team)).toEqual([TEAM]);
    expect((await call('unlinkSlackTeam', { params: { team: TEAM } })).status).toBe(204);
    expect((await call('unlinkSlackTeam', { params: { team: TEAM } })).status).toBe(404);
  });

  test('the settings page', async () => {
    expect((await call('getSettingsPage', { key: null })).body).toContain('<html');
    const css = await call('getPageAsset', { key: null, params: { file: 'app.css' } });
    expect(css.status).toBe(200);
    expect((await call('getPageAsset', { key: null, params: { file: 'app.css' }, headers: { 'if-none-match': css.headers.get('etag')! } })).status).toBe(304);
    expect((await call('getPageAsset', { key: null, params: { file: 'nope.js' } })).status).toBe(404);
  });

  test('listeners: created, streamed, answered, deleted', async () => {
    const created = await call('createListener', { body: { forwardTo: 'http://127.0.0.1:4000/hooks', events: ['flow_completed'] } });
    expect(created.status).toBe(201);
    expect((await call('createListener', { body: { forwardTo: 'ftp://x' } })).status).toBe(400);
    const id: string = created.body.id;
    // The stream never ends by itself: its status and media type checked here, read until its first delivery.
    const stop = new AbortController();
    const res = await fetch(`${svc.url}/v1/listeners/${id}/stream`, { headers: { authorization: `Bearer ${svc.key}` }, signal: stop.signal });
    expect(res.status).toBe(200);
    expect(Object.keys(operations.get('streamListener')!.responses['200'].content ?? {})).toEqual([(res.headers.get('content-type') ?? '').split(';')[0]]);
    (seen.get('streamListener') ?? seen.set('streamListener', new Set()).get('streamListener')!).add(200);
    expect((await call('createEvent', { body: { event: 'flow_completed', id: 'evt-openapi-listener', chatflowId: 'cf-1', output: 'done' } })).status).toBe(202);
    let text = '';
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    while (!/event: delivery\ndata: .*\n\n/.test(text)) text += decoder.decode((await reader.read()).value, { stream: true });
    const d = JSON.parse(/event: delivery\ndata: (.*)\n\n/.exec(text)![1]) as { deliveryId: string; attempt: number };
    const answer = { attempt: d.attempt, status: 204, headers: {}, body: '', durationMs: 3 };
    expect((await call('answerListenerDelivery', { params: { id, deliveryId: d.deliveryId }, body: answer })).status).toBe(204);
    expect((await call('answerListenerDelivery', { params: { id, deliveryId: d.deliveryId }, body: answer })).status).toBe(409);
    expect((await call('answerListenerDelivery', { params: { id, deliveryId: d.deliveryId }, body: { attempt: 1, durationMs: 1 } })).status).toBe(400);
    stop.abort();
    expect((await call('deleteListener', { params: { id } })).status).toBe(204);
    expect((await call('deleteListener', { params: { id } })).status).toBe(404);
  });

  test('every operation was reached in its success case', () => {
    const missed = [...operations.keys()].filter((id) => id !== 'linkSlackTeam' && ![...(seen.get(id) ?? [])].some((s) => s >= 200 && s < 300));
    expect(missed).toEqual([]);
  });
});
