// Upgrade in place (issue 13): a database made by the migrations before partitioned history
// (up to 1764530000000), holding events, deliveries and attempts written in that layout, is
// upgraded by the next start without losing a row: every row is there, in the partitioned tables,
// the API lists them, a pending delivery is delivered, an old event id is still a duplicate and
// new attempt ids carry on above the old ones. PGlite, and PostgreSQL with DATABASE_URL.
import { readdirSync } from 'node:fs';
import { afterAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { loadConfig } from '../../../src/core/config.js';
import { createCipher, loadMasterKey } from '../../../src/core/crypto.js';
import { openDatabase } from '../../../src/store/database.js';
import { createApiKey } from '../../../src/services/auth/api-keys.js';
import { packageDir } from '../../../src/core/package-files.js';
import { dropTestData, startService, testEnv, type TestService } from '../../helpers/service.js';
import { startReceiver, ok, type Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';

const OLD_HEAD = '1764530000000';
const env = testEnv();
let svc: TestService | undefined;
let rx: Receiver | undefined;
afterAll(async () => {
  if (svc) await svc.close();
  else await dropTestData(env);
  await rx?.close();
});

/** The old layout's writes: an event, one delivery per given state, one attempt per finished one. */
async function writeOldRows(c: pg.Client, workspaceId: string, webhookId: string) {
  const ids: Record<string, string> = {};
  for (const [ext, ago] of [['up-done', 3 * 86_400], ['up-failed', 86_400], ['up-pending', 60]] as const) {
    const payload = JSON.stringify({ event: 'flow_completed', id: ext, chatflowId: 'cf-up', workspace: 'default' });
    const { rows } = await c.query<{ id: string }>(
      `insert into events (workspace_id, external_id, event_type, payload, deliveries_count, created_at)
       values ($1, $2, 'flow_completed', $3, 1, now() - make_interval(secs => $4)) returning id`,
      [workspaceId, ext, payload, ago],
    );
    const status = ext === 'up-done' ? 'succeeded' : ext === 'up-failed' ? 'failed' : 'pending';
    const d = await c.query<{ id: string }>(
      `insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit, status, attempts, next_attempt_at, created_at, completed_at, last_status_code)
       values ($1, $2, $3, 'flow_completed', 6, $4, $5, now() - interval '1 second', now() - make_interval(secs => $6),
         case when $4 = 'pending' then null else now() - make_interval(secs => $6) end, case when $4 = 'pending' then null else 200 end) returning id`,
      [workspaceId, webhookId, rows[0].id, status, status === 'pending' ? 0 : 1, ago],
    );
    ids[ext] = d.rows[0].id;
    if (status !== 'pending') {
      // The old insert-attempts statement's columns.
      await c.query(
        `insert into attempts (delivery_id, attempt, trigger, outcome, request_url, request_headers, request_body,
           response_status, response_headers, response_body, duration_ms, error, created_at, request_body_truncated, response_body_truncated)
         values ($1, 1, 'auto', $2, 'http://x/up', '{}', $3, $4, '{}', 'ok', 5, null, now() - make_interval(secs => $5), false, false)`,
        [d.rows[0].id, status === 'succeeded' ? 'success' : 'failure', payload, status === 'succeeded' ? 200 : 500, ago],
      );
    }
  }
  return ids;
}

test('a database of the layout before partitioning upgrades in place, every row kept and served', async () => {
  rx = await startReceiver(ok);
  const config = loadConfig(env);
  const db = await openDatabase(config);
  let ids: Record<string, string>;
  let oldMaxAttempt: number;
  try {
    const older = readdirSync(packageDir('migrations')).filter((f) => f.endsWith('.sql') && f.slice(0, 13) <= OLD_HEAD);
    const c = new pg.Client(db.clientConfig);
    await c.connect();
    try {
      await runner({ dbClient: c, dir: packageDir('migrations'), direction: 'up', count: older.length, migrationsTable: 'pgmigrations', schema: db.schema, createSchema: true, checkOrder: true, noLock: true, log: () => {} });
      expect((await c.query(`select count(*)::int as n from pgmigrations`)).rows[0].n).toBe(older.length);
      const cipher = createCipher(loadMasterKey(config.FORJINN_MASTER_KEY, config.DATA_DIR).key);
      await createApiKey(db.pool, 'default');
      const [{ id: workspaceId }] = (await c.query<{ id: string }>(`select id from workspaces where name = 'default'`)).rows;
      // The webhook as that layout held it, written with its own columns (the service's insert
      // names columns later migrations added).
      const seal = (text: string) => cipher.encrypt(text);
      const secret = `whsec_${Buffer.from('upgrade-test-secret-of-32-bytes!').toString('base64')}`;
      const [webhook] = (
        await c.query<{ id: string }>(
          `insert into webhooks (workspace_id, url_enc, url_masked, secret_enc, events, transformer_config_enc) values ($1, $2, $3, $4, $5::text[], $6) returning id`,
          [workspaceId, seal(`${rx.url}/up`), `${rx.url}/up`, seal(secret), ['flow_completed'], seal('{}')],
        )
      ).rows;
      ids = await writeOldRows(c, workspaceId, webhook.id);
      oldMaxAttempt = (await c.query<{ n: number }>(`select max(id)::int as n from attempts`)).rows[0].n;
      // The old layout indeed: plain tables.
      expect((await c.query(`select relkind from pg_class where oid = 'deliveries'::regclass`)).rows[0].relkind).toBe('r');
    } finally {
      await c.end();
    }
  } finally {
    await db.close();
  }

  // The next start runs the rest: the upgrade.
  svc = await startService({ DATA_DIR: env.DATA_DIR, FORJINN_MASTER_KEY: env.FORJINN_MASTER_KEY, ...(env.DATABASE_SCHEMA ? { DATABASE_SCHEMA: env.DATABASE_SCHEMA } : {}) });
  const q = async <T = any>(sql: string) => (await svc!.rt.ctx.db.pool.query(sql)).rows as T[];
  expect((await q(`select relkind from pg_class where oid = 'deliveries'::regclass`))[0].relkind).toBe('p');
  expect(await q(`select relname from pg_class where relname like '%\\_old'`)).toEqual([]);

  // Every row, in the partitioned tables.
  // (The worker may already have sent the pending one: the old attempts are those up to the old max id.)
  const counts = (await q(`select (select count(*) from events)::int as e, (select count(*) from deliveries)::int as d,
    (select count(*) from attempts where id <= ${oldMaxAttempt!})::int as a, (select count(*) from event_keys)::int as k`))[0];
  expect(counts).toEqual({ e: 3, d: 3, a: 2, k: 3 });

  const events = await svc.api('GET', '/v1/events');
  expect(events.body.data.map((e: { id: string }) => e.id)).toEqual(['up-pending', 'up-failed', 'up-done']);
  const done = await svc.api('GET', `/v1/deliveries/${ids!['up-done']}`);
  expect(done.status).toBe(200);
  expect(done.body.status).toBe('succeeded');
  expect(done.body.attempts).toHaveLength(1);

  // The pending one is delivered by the upgraded service; its attempt id carries on.
  await eventually(async () => (await svc!.api('GET', `/v1/deliveries/${ids!['up-pending']}`)).body.status === 'succeeded', { what: 'the old pending delivery' });
  expect(rx.received.map((r) => r.headers['x-forjinn-delivery'])).toEqual([ids!['up-pending']]);
  const [{ n }] = await q<{ n: number }>(`select max(id)::int as n from attempts`);
  expect(n).toBeGreaterThan(oldMaxAttempt!);

  // An old id is still a duplicate; a new event goes into the new layout.
  const again = await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'up-done', chatflowId: 'cf-up' });
  expect(again.status).toBe(200);
  expect(again.body.duplicate).toBe(true);
  expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'after-up', chatflowId: 'cf-up' })).status).toBe(202);
  // A redeliver of an upgraded finished delivery works too.
  expect((await svc.api('POST', `/v1/deliveries/${ids!['up-failed']}/redeliver`)).status).toBeLessThan(300);
  await eventually(async () => (await svc!.api('GET', `/v1/deliveries/${ids!['up-failed']}`)).body.status === 'succeeded', { what: 'the redelivered old delivery' });
});
