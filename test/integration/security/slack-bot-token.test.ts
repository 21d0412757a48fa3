// The operator's Slack bot token, tried as a tenant would: a Slack webhook with a channel posts
// with SLACK_BOT_TOKEN, and its Send Test, previews, redeliveries and stored attempts must never
// show the token, while Slack (a fake on 127.0.0.1) does receive it. A workspace not linked to a
// Slack team cannot use bot mode at all: refused at save time, and at send time once unlinked
// (API, worker and the CLI's `webhook test`).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { dropTestData, startService, type TestService } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';
import { startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';
import { runCli } from '../../helpers/cli.js';

const TOKEN = `xoxb-operator-${randomBytes(12).toString('hex')}`;
const SIGNING_SECRET = 'bot-token-signing-secret-0123456789';
const TEAM = 'T0BOTTOKEN1';
const FORMER_TEAM = 'T0FORMER01';

let svc: TestService;
let fake: FakeSlack;
let closed = false;
let attackerKey: string;
let formerKey: string;
/** Every answer the service gave in this file, to search for the token. */
const answers: string[] = [];

async function call(method: string, path: string, body?: unknown, key?: string) {
  const res = await svc.api(method, path, body, key);
  answers.push(`${method} ${path} ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

/** The operator links a team (the way it is linked does not matter here: only that it is). */
async function link(team: string, workspace: string) {
  await svc.rt.ctx.db.pool.query(`insert into slack_links (team_id, workspace_id, linked_by) select $1, id, 'test' from workspaces where name = $2`, [team, workspace]);
}

const postUrl = () => `${fake.apiUrl}/chat.postMessage`;
const botHook = (channel: string, extra: Record<string, unknown> = {}) => ({ url: postUrl(), events: ['*'], transformer: 'slack', transformerConfig: { channel, group: false }, ...extra });
const posts = (channel: string) => fake.of('chat.postMessage').filter((c) => c.body.channel === channel);

beforeAll(async () => {
  fake = await startFakeSlack();
  svc = await startService({ SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: TOKEN, SLACK_API_URL: fake.apiUrl, FORJINN_RETRY_DELAYS: '20ms' });
  attackerKey = await svc.newWorkspaceKey('attacker');
  formerKey = await svc.newWorkspaceKey('former');
  await link(TEAM, 'default');
  await link(FORMER_TEAM, 'former');
}, 60_000);

afterAll(async () => {
  if (!closed) await svc?.close();
  else await dropTestData(svc.env);
  await fake?.close();
});

describe('a workspace linked to a Slack team', () => {
  let hookId: string;
  let deliveryId: string;

  test('Send Test posts with the token and answers without it', async () => {
    // A custom Authorization header of its own, which bot mode overrides with the token.
    const created = await call('POST', '/v1/webhooks', botHook('#general', { headers: { Authorization: 'Bearer tenant-own', 'X-Note': 'mine' } }));
    expect(created.status).toBe(201);
    hookId = created.body.id;
    const t = await call('POST', `/v1/webhooks/${hookId}/test`, {});
    expect(t.status).toBe(200);
    expect(t.body.outcome).toBe('success');
    expect(posts('#general').at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.stringify(t.body)).not.toContain('xoxb-');
    const shown = Object.fromEntries(Object.entries(t.body.request.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]));
    expect(shown.authorization).toBe('[redacted]');
    expect(shown['x-note']).toBe('mine'); // the workspace's own header, as sent
    deliveryId = t.body.deliveryId;
  });

  test('previews, the stored attempt and a redelivery never show it', async () => {
    const previews = [
      await call('POST', `/v1/webhooks/${hookId}/preview`, {}),
      await call('POST', '/v1/preview', { transformer: 'slack', transformerConfig: { channel: '#general' } }),
      await call('POST', '/v1/transformers/slack/preview', { transformerConfig: { channel: 'C0GENERAL1' } }),
    ];
    for (const p of previews) {
      expect(p.status).toBe(200);
      expect(p.body.headers.Authorization).toBe('[redacted]');
    }
    expect((await call('GET', `/v1/deliveries/${deliveryId}`)).body.attempts[0].requestHeaders.Authorization).toBe('[redacted]');
    const before = posts('#general').length;
    expect((await call('POST', `/v1/deliveries/${deliveryId}/redeliver`)).status).toBe(202);
    await eventually(async () => (await call('GET', `/v1/deliveries/${deliveryId}`)).body.attempts.length === 2, { what: 'the redelivery' });
    expect(posts('#general').length).toBe(before + 1);
    expect(posts('#general').at(-1)?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  test('a delivery by the worker is stored without it', async () => {
    expect((await call('POST', '/v1/events', { event: 'flow_completed', id: 'bot-run-1', chatflowId: 'cf' })).status).toBe(202);
    const d = await eventually(async () => {
      const list = await call('GET', `/v1/webhooks/${hookId}/deliveries`);
      const done = list.body.data.find((x: { test: boolean; status: string }) => !x.test && x.status === 'succeeded');
      return done ? call('GET', `/v1/deliveries/${done.id}`) : undefined;
    }, { what: 'the event delivered' });
    expect(d.body.attempts[0].requestHeaders.Authorization).toBe('[redacted]');
  });
});

describe('a workspace not linked to any Slack team', () => {
  test('cannot save a bot-mode webhook (create or change)', async () => {
    const created = await call('POST', '/v1/webhooks', botHook('#general'), attackerKey);
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'validation_error', field: 'transformerConfig.channel' });
    expect(created.body.error.message).toContain('link a Slack team first');
    const incoming = await call('POST', '/v1/webhooks', { url: 'https://hooks.slack.com/services/T0/B0/abcdef', events: ['*'], transformer: 'slack' }, attackerKey);
    expect(incoming.status).toBe(201); // the incoming webhook needs no link
    const patched = await call('PATCH', `/v1/webhooks/${incoming.body.id}`, { url: postUrl(), transformerConfig: { channel: 'C0GENERAL1' } }, attackerKey);
    expect(patched.body.error?.field).toBe('transformerConfig.channel');
    expect((await call('GET', '/v1/webhooks', undefined, attackerKey)).body.data.map((h: any) => h.transformerConfig)).toEqual([{}]);
  });

  test('a link removed after saving: deliveries fail at once, nothing is posted', async () => {
    const created = await call('POST', '/v1/webhooks', botHook('C0FORMER01'), formerKey);
    expect(created.status).toBe(201);
    await svc.rt.ctx.db.pool.query('delete from slack_links where team_id = $1', [FORMER_TEAM]);
    const t = await call('POST', `/v1/webhooks/${created.body.id}/test`, {}, formerKey);
    expect(t.body.outcome).toBe('refuse');
    expect(t.body.error).toContain('link a Slack team first');
    expect((await call('POST', '/v1/events', { event: 'flow_completed', id: 'former-1', chatflowId: 'cf' }, formerKey)).status).toBe(202);
    const failed = await eventually(async () => (await call('GET', `/v1/webhooks/${created.body.id}/deliveries?status=failed`, undefined, formerKey)).body.data.find((x: any) => !x.test), { what: 'the failed delivery' });
    const d = await call('GET', `/v1/deliveries/${failed.id}`, undefined, formerKey);
    expect(d.body.attempts).toHaveLength(1); // not retried
    expect(d.body.attempts[0].error).toContain('link a Slack team first');
    expect(posts('C0FORMER01')).toEqual([]);
  });
});

describe('afterwards', () => {
  test('no answer, stored attempt or log line holds the token', async () => {
    expect(answers.length).toBeGreaterThan(15);
    expect(answers.filter((a) => a.includes('xoxb-'))).toEqual([]);
    const { rows } = await svc.rt.ctx.db.pool.query(`select request_headers::text as h, request_body as b, error from attempts`);
    expect(rows.length).toBeGreaterThan(3);
    expect(JSON.stringify(rows)).not.toContain('xoxb-');
    expect(svc.logs.join('')).not.toContain(TOKEN);
  });

  test("the CLI's webhook test: posts for a linked workspace, refuses an unlinked one, prints no token", async () => {
    const hooks = await call('GET', '/v1/webhooks');
    const mine = hooks.body.data.find((h: any) => h.transformerConfig.channel === '#general').id;
    const former = (await call('GET', '/v1/webhooks', undefined, formerKey)).body.data[0].id;
    await svc.close({ keepData: true }); // the embedded database takes one process at a time
    closed = true;
    const before = posts('#general').length;
    const ok = await runCli(['webhook', 'test', mine], svc.env);
    expect([ok.code, ok.out]).toEqual([0, expect.stringContaining('ok: HTTP 200')]);
    expect(posts('#general').length).toBe(before + 1);
    const refused = await runCli(['webhook', 'test', former, '--workspace', 'former'], svc.env);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('link a Slack team first');
    expect(posts('C0FORMER01')).toEqual([]);
    expect(ok.out + refused.out).not.toContain('xoxb-');
  }, 60_000);
});
