// Secrets at rest and in logs: a full run (deliveries that succeed, fail with 500, fail to
// connect, are retried, redelivered, tested and recovered; a secret rotated; API calls refused
// for every reason) and then the raw rows of every table, every log line and every answer that is
// not the owner's one-time view are searched for every secret and API key.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { createServer } from 'node:net';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

let failRx: Receiver;
let closedPort: number;
/** Every answer that is not the one-time view of a secret (create, rotate, Send Test's "as sent"). */
const answers: string[] = [];
const secrets: Record<string, string> = {};

const token = (n = 24) => randomBytes(n).toString('base64url').replace(/[-_]/g, 'x');

async function call(method: string, path: string, body?: unknown, key?: string) {
  const res = await svc.api(method, path, body, key);
  answers.push(`${method} ${path} ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

const { svc, rx: okRx } = useRig({
  env: { FORJINN_RETRY_DELAYS: '20ms,20ms', FORJINN_DELIVERY_TIMEOUT_MS: '1000', FORJINN_DISABLE_AFTER_FAILURES: '2' },
  responder: (req, _n, res) => {
    if (req.path.startsWith('/pd/')) res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"success","message":"Event processed","dedup_key":"d"}');
    else if (req.path.startsWith('/api/webhooks/')) res.writeHead(204).end();
    else res.writeHead(200).end('ok');
  },
});
beforeAll(async () => {
  failRx = await startReceiver((_req, _n, res) => res.writeHead(500).end('boom'));
  // A port nobody listens on: connection refused.
  closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
  secrets.apiKey = svc.key;
  secrets.otherApiKey = await svc.newWorkspaceKey('other');
  secrets.givenSecret = `given-secret-${token()}`;
  secrets.headerValue = `hdr-${token()}`;
  secrets.discordToken = token(40);
  secrets.routingKey = token(32).slice(0, 32);
});
afterAll(async () => {
  await failRx?.close();
});

describe('a full run', () => {
  let generic: { id: string };
  test('webhooks of every kind deliver, fail, retry and rotate', async () => {
    const created = await svc.api('POST', '/v1/webhooks', { url: `${okRx.url}/generic`, events: ['*'], secret: secrets.givenSecret, headers: { authorization: `Bearer ${secrets.headerValue}` } });
    expect(created.status).toBe(201);
    generic = created.body;
    const failing = await svc.api('POST', '/v1/webhooks', { url: `${failRx.url}/fail`, events: ['*'], maxAttempts: 2 });
    secrets.failingSecret = failing.body.secret;
    const refused = await svc.api('POST', '/v1/webhooks', { url: `http://127.0.0.1:${closedPort}/closed`, events: ['*'], maxAttempts: 2 });
    secrets.refusedSecret = refused.body.secret;
    const discord = await svc.api('POST', '/v1/webhooks', { url: `${okRx.url}/api/webhooks/123456/${secrets.discordToken}`, events: ['*'], transformer: 'discord', transformerConfig: { group: false } });
    expect(discord.status).toBe(201);
    const pd = await svc.api('POST', '/v1/webhooks', { url: `${okRx.url}/pd/v2/enqueue`, events: ['*'], transformer: 'pagerduty', transformerConfig: { routingKey: secrets.routingKey } });
    expect(pd.status).toBe(201);
    secrets.createdSecret = pd.body.secret;

    for (let i = 0; i < 3; i++) {
      expect((await call('POST', '/v1/events', { event: 'error_occurred', id: `run-${i}`, chatflowId: 'cf', error: { message: 'x' } })).status).toBe(202);
    }
    const rotated = await svc.api('POST', `/v1/webhooks/${generic.id}/rotate-secret`, { graceSeconds: 60 });
    secrets.rotatedSecret = rotated.body.secret;
    expect((await call('POST', '/v1/events', { event: 'flow_completed', id: 'after-rotate', chatflowId: 'cf' })).status).toBe(202);
    for (const id of [generic.id, failing.body.id, refused.body.id, discord.body.id, pd.body.id]) {
      const t = await svc.api('POST', `/v1/webhooks/${id}/test`, {});
      expect(t.status).toBe(200);
    }
    // Every delivery finished: 4 events x 5 webhooks, plus the 5 tests.
    await eventually(async () => (await svc.rt.ctx.db.pool.query(`select count(*)::int as n from deliveries where status in ('pending')`)).rows[0].n === 0, { what: 'all deliveries settled', timeoutMs: 20_000 });
    const failed = await call('GET', `/v1/webhooks/${failing.body.id}/deliveries?status=failed`);
    expect(failed.body.data.length).toBeGreaterThan(0);
    await call('POST', `/v1/deliveries/${failed.body.data[0].id}/redeliver`);
    await call('POST', `/v1/webhooks/${refused.body.id}/recover?since=2000-01-01T00:00:00Z`);
    for (const d of failed.body.data) await call('GET', `/v1/deliveries/${d.id}`);
    const okList = await call('GET', `/v1/webhooks/${generic.id}/deliveries`);
    for (const d of okList.body.data) await call('GET', `/v1/deliveries/${d.id}`);
    await call('GET', '/v1/webhooks');
    for (const id of [generic.id, discord.body.id, pd.body.id]) await call('GET', `/v1/webhooks/${id}`);
    await call('GET', '/v1/events');
    await call('GET', '/v1/events/run-0');
    await call('POST', `/v1/webhooks/${discord.body.id}/preview`, {});
  }, 40_000);

  test('requests refused for every reason', async () => {
    await call('GET', '/v1/webhooks', undefined, `fjk_${token(32)}`);
    await call('GET', '/v1/webhooks', undefined, `${secrets.apiKey}x`);
    await call('POST', '/v1/webhooks', { url: `${okRx.url}/x`, events: ['*'], secret: `${secrets.givenSecret}${'y'.repeat(300)}` });
    await call('POST', '/v1/webhooks', { url: `${okRx.url}/x`, events: ['*'], secret: 'short' });
    await call('PATCH', `/v1/webhooks/${generic.id}`, { secret: secrets.givenSecret });
    await call('POST', '/v1/webhooks', { url: `${okRx.url}/pd`, events: ['*'], transformer: 'pagerduty', transformerConfig: { routingKey: `${secrets.routingKey}!` } });
    await call('POST', '/v1/webhooks', { url: `https://discord.com/api/webhooks/x/${secrets.discordToken}/slack`, events: ['*'], transformer: 'discord' });
    await call('POST', `/v1/webhooks/${generic.id}/rotate-secret`, { secret: 'short', graceSeconds: -1 });
    await call('GET', `/v1/webhooks/${generic.id}`, undefined, secrets.otherApiKey);
    await call('POST', '/v1/events', '{"event": "flow_completed", "chatflowId": ');
    await call('POST', '/v1/events', { event: 'flow_completed', chatflowId: 7, apiKey: secrets.apiKey });
    await call('GET', '/v1/nowhere');
  });
});

describe('webhook secret rotation', () => {
  test('signs with both secrets during the grace period and with the new one only after it', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${okRx.url}/rotation`, events: ['*'], filters: { chatflowIds: ['rotation'] } });
    const oldSecret: string = hook.body.secret;
    const rotated = await svc.api('POST', `/v1/webhooks/${hook.body.id}/rotate-secret`, { graceSeconds: 3600 });
    const newSecret: string = rotated.body.secret;
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    const received = async (id: string) => {
      expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id, chatflowId: 'rotation' })).status).toBe(202);
      return eventually(() => okRx.received.find((r) => r.path === '/rotation' && JSON.parse(r.body).id === id));
    };
    // Off-the-shelf verifiers: octokit on the header docs/receiving.md names for each secret.
    const during = await received('rotation-during');
    expect(await octokitVerify(newSecret, during.body, during.headers['x-forjinn-signature'])).toBe(true);
    expect(await octokitVerify(oldSecret, during.body, during.headers['x-forjinn-signature-previous'])).toBe(true);
    for (const secret of [newSecret, oldSecret]) expect(() => new Webhook(secret).verify(during.body, during.headers)).not.toThrow();

    // The grace period ends: moved into the past rather than waited for.
    await svc.rt.ctx.db.pool.query(`update webhooks set previous_secret_expires_at = now() - interval '1 second', updated_at = now() where id = $1`, [hook.body.id]);
    const after = await received('rotation-after');
    expect(await octokitVerify(newSecret, after.body, after.headers['x-forjinn-signature'])).toBe(true);
    expect(await octokitVerify(oldSecret, after.body, after.headers['x-forjinn-signature'])).toBe(false);
    expect(after.headers['x-forjinn-signature-previous']).toBeUndefined();
    expect(() => new Webhook(newSecret).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(oldSecret).verify(after.body, after.headers)).toThrow();
    expect((await svc.api('GET', `/v1/webhooks/${hook.body.id}`)).body.secretRotation).toBeNull();
  });
});

describe('afterwards', () => {
  const find = (haystack: string) => Object.entries(secrets).filter(([, v]) => v && haystack.includes(v)).map(([k]) => k);

  test('no table holds a secret or an API key in the clear', async () => {
    const pool = svc.rt.ctx.db.pool;
    const { rows: tables } = await pool.query<{ t: string }>(`select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`);
    expect(tables.map((t) => t.t)).toEqual(expect.arrayContaining(['webhooks', 'api_keys', 'attempts', 'deliveries', 'events']));
    for (const { t } of tables) {
      const { rows } = await pool.query(`select * from ${t}`);
      const text = JSON.stringify(rows, (_k, v) => (v && v.type === 'Buffer' ? Buffer.from(v.data).toString('latin1') : v));
      expect([t, find(text)]).toEqual([t, []]);
    }
  });

  test('API keys are stored as their sha256 only', async () => {
    const { rows } = await svc.rt.ctx.db.pool.query<{ key_hash: Buffer; prefix: string }>('select key_hash, prefix from api_keys');
    const { createHash } = await import('node:crypto');
    const hashes = rows.map((r) => Buffer.from(r.key_hash).toString('hex'));
    expect(hashes).toContain(createHash('sha256').update(secrets.apiKey).digest('hex'));
    for (const r of rows) expect(r.prefix.length).toBeLessThanOrEqual(12);
  });

  test('the attempt log keeps signature headers and custom header values redacted', async () => {
    const { rows } = await svc.rt.ctx.db.pool.query<{ h: Record<string, string> }>(
      `select a.request_headers as h from attempts a join deliveries d on d.id = a.delivery_id join webhooks w on w.id = d.webhook_id where w.transformer = 'generic' and w.secret_enc is not null and a.request_headers ? 'x-forjinn-signature'`,
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const { h } of rows) {
      expect(h['x-forjinn-signature']).toBe('sha256=[redacted]');
      if ('x-forjinn-signature-previous' in h) expect(h['x-forjinn-signature-previous']).toBe('sha256=[redacted]');
      for (const v of h['webhook-signature'].split(' ')) expect(v).toBe('v1,[redacted]');
      if (h.authorization) expect(h.authorization).toMatch(/^\[redacted\]( \[redacted\])*$/);
    }
    const rotating = rows.filter(({ h }) => 'x-forjinn-signature-previous' in h);
    expect(rotating.length).toBeGreaterThan(0); // the rotation's previous-secret signature, redacted too
    for (const { h } of rotating) expect(h['webhook-signature']).toBe('v1,[redacted] v1,[redacted]');
  });

  test('no log line holds a secret or an API key', () => {
    // The run's failures were logged too (a webhook disabled after its failure streak).
    expect(svc.logs.join('')).toMatch(/"msg":"webhook disabled"/);
    const hits = svc.logs.map((line, i) => [i, find(line)] as const).filter(([, f]) => f.length);
    expect(hits).toEqual([]);
  });

  test('no answer other than the one-time views holds a secret or an API key', () => {
    expect(answers.length).toBeGreaterThan(20);
    const hits = answers.map((a) => [a.slice(0, 80), find(a)] as const).filter(([, f]) => f.length);
    expect(hits).toEqual([]);
  });
});
