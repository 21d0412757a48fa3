// Retention (issue 13): with FORJINN_RETENTION=5m, a prune 6 minutes on removes the finished
// history (from the API and from the tables: its partitions are dropped) and keeps a delivery
// still retrying, its event and its attempts, which still deliver; 4 minutes on, nothing is
// removed and the old event id is still a duplicate. Time is the `now` passed to prune.
// Runs on PGlite, and on PostgreSQL with DATABASE_URL.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startReceiver, ok, type Receiver } from '../../helpers/receiver.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { settledEvent } from '../../helpers/settled.js';
import { prune } from '../../../src/store/retention.js';

const MIN = 60_000;
let bad: Receiver;

const { svc, rx: good } = useRig({ env: { FORJINN_RETENTION: '5m', FORJINN_RETRY_DELAYS: '10m,10m,10m' }, responder: ok });
beforeAll(async () => {
  // Answers 500 until told otherwise: its delivery waits 10 minutes for each retry.
  bad = await startReceiver((_r, _n, res) => res.writeHead(500).end('no'));
});
afterAll(async () => {
  await bad?.close();
});

const q = async <T = any>(sql: string, values: unknown[] = []) => (await svc.rt.ctx.db.pool.query(sql, values)).rows as T[];
const counts = async () =>
  (await q<{ e: number; d: number; a: number; k: number }>(
    `select (select count(*) from events)::int as e, (select count(*) from deliveries)::int as d,
       (select count(*) from attempts)::int as a, (select count(*) from event_keys)::int as k`,
  ))[0];
/** The partition each of an event's rows lives in. */
const homes = async (eventId: string) =>
  (await q<{ p: string }>(
    `select e.tableoid::regclass::text as p from events e where e.id = $1
     union select d.tableoid::regclass::text from deliveries d where d.event_id = $1
     union select a.tableoid::regclass::text from attempts a join deliveries d on d.id = a.delivery_id where d.event_id = $1`,
    [eventId],
  )).map((r) => r.p);
const partitionsOf = async () =>
  (await q<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
     join pg_namespace n on n.oid = p.relnamespace where n.nspname = current_schema() and p.relname in ('events', 'deliveries', 'attempts')`,
  )).map((r) => r.name);

describe('FORJINN_RETENTION=5m', () => {
  test('finished history goes with its partitions; a retrying delivery, its event and attempts stay and still deliver', async () => {
    const done = await svc.api('POST', '/v1/webhooks', { url: `${good.url}/done`, events: ['flow_completed'] });
    const retrying = await svc.api('POST', '/v1/webhooks', { url: `${bad.url}/retry`, events: ['agent_executed'] });
    expect([done.status, retrying.status]).toEqual([201, 201]);
    const start = Date.now();
    expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'old-finished', chatflowId: 'cf' })).status).toBe(202);
    expect((await svc.api('POST', '/v1/events', { event: 'agent_executed', id: 'old-retrying', chatflowId: 'cf', agentId: 'ag', agentName: 'Refund checker', status: 'success', input: 'x', output: 'y' })).status).toBe(202);

    const finished = await eventually(async () => {
      const page = await svc.api('GET', `/v1/webhooks/${done.body.id}/deliveries`);
      return page.body.data[0]?.status === 'succeeded' && page.body.data[0];
    }, { what: 'the finished delivery' });
    const pending = await eventually(async () => {
      const page = await svc.api('GET', `/v1/webhooks/${retrying.body.id}/deliveries`);
      return page.body.data[0]?.attempts === 1 && page.body.data[0];
    }, { what: 'the first failed attempt' });
    expect(pending.status).toBe('pending');
    const [finishedEvent] = await q<{ id: string }>(`select id from events where external_id = 'old-finished'`);
    const [pendingEvent] = await q<{ id: string }>(`select id from events where external_id = 'old-retrying'`);
    const finishedHomes = await homes(finishedEvent.id);
    expect(finishedHomes.length).toBeGreaterThan(0);
    expect(await counts()).toEqual({ e: 2, d: 2, a: 2, k: 2 });

    // 4 minutes on: nothing of it is old enough; the id is still a duplicate.
    // (The service's own pruner may be at it this very moment: then this run is skipped, and tried again.)
    const early = await eventually(() => prune(svc.rt.ctx.db, { retentionMs: 5 * MIN, now: new Date(start + 4 * MIN) }));
    expect(early.movedPending).toBe(0);
    expect(await counts()).toEqual({ e: 2, d: 2, a: 2, k: 2 });
    const again = await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'old-finished', chatflowId: 'cf' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ id: 'old-finished', deliveries: 1, duplicate: true });
    expect(good.received).toHaveLength(1);

    // 6 minutes on: the finished history is gone, its partitions dropped.
    const late = await eventually(() => prune(svc.rt.ctx.db, { retentionMs: 5 * MIN, now: new Date(Date.now() + 6 * MIN) }));
    expect(late.droppedPartitions).toBeGreaterThanOrEqual(3);
    expect(late.movedPending).toBe(1);
    expect(late.removedKeys).toBe(1);
    expect(await counts()).toEqual({ e: 1, d: 1, a: 1, k: 1 });
    const left = await partitionsOf();
    for (const p of finishedHomes) expect(left).not.toContain(p);
    expect(await q(`select 1 from pg_class where relname = any($1::text[]) and relnamespace = current_schema()::regnamespace`, [finishedHomes])).toEqual([]);

    const events = await svc.api('GET', '/v1/events');
    expect(events.body.data.map((e: { id: string }) => e.id)).toEqual(['old-retrying']);
    expect((await svc.api('GET', `/v1/webhooks/${done.body.id}/deliveries`)).body.data).toEqual([]);
    expect((await svc.api('GET', `/v1/deliveries/${finished.id}`)).status).toBe(404);
    const kept = await svc.api('GET', `/v1/deliveries/${pending.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body.status).toBe('pending');
    expect(kept.body.attempts).toHaveLength(1);
    expect((await q(`select 1 from attempts a where a.delivery_id = $1`, [pending.id])).length).toBe(1);
    expect((await q(`select 1 from events where id = $1`, [pendingEvent.id])).length).toBe(1);

    // The kept delivery still delivers: the receiver recovers, a redeliver sends it now.
    bad.respond(ok);
    expect((await svc.api('POST', `/v1/deliveries/${pending.id}/redeliver`)).status).toBeLessThan(300);
    await eventually(async () => (await svc.api('GET', `/v1/deliveries/${pending.id}`)).body.status === 'succeeded', { what: 'the kept delivery delivered' });
    expect(bad.received.at(-1)!.headers['x-forjinn-delivery']).toBe(pending.id);

    // Past the window the id is new again.
    expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'old-finished', chatflowId: 'cf' })).status).toBe(202);
    // Its delivery is stored before the next test counts rows (an attempt written during that
    // test's prune was counted there: 4 attempts where 3 were expected).
    await settledEvent(svc, 'old-finished');
  });

  test('rows no partition covered (in the DEFAULT partition) go row by row once old and final; a pending one stays', async () => {
    const [{ id: ws }] = await q<{ id: string }>(`select id from workspaces where name = 'default'`);
    const [{ id: hook }] = await q<{ id: string }>(`select id from webhooks where deleted_at is null limit 1`);
    // (The first test's prune ran 6 minutes ahead and dropped the partition of the real now: its last event is in DEFAULT too.)
    const [{ n: inDefault }] = await q<{ n: number }>(`select count(*)::int as n from deliveries_default`);
    // A day old: before every range partition, so PostgreSQL puts them in the DEFAULT partitions.
    for (const [ext, status] of [['def-done', 'succeeded'], ['def-pending', 'pending']]) {
      const [ev] = await q<{ id: string }>(
        `with k as (insert into event_keys (workspace_id, external_id, event_id, part_at) values ($1, $2, gen_random_uuid(), now() - interval '1 day') returning event_id, part_at)
         insert into events (id, workspace_id, external_id, event_type, payload, part_at) select event_id, $1, $2, 'flow_completed', '{}', part_at from k returning id`,
        [ws, ext],
      );
      const [d] = await q<{ id: string }>(
        `insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit, status, next_attempt_at, part_at)
         values ($1, $2, $3, 'flow_completed', 3, $4, now() + interval '1 hour', now() - interval '1 day') returning id`,
        [ws, hook, ev.id, status],
      );
      await q(
        `insert into attempts (delivery_id, attempt, outcome, request_url, request_headers, duration_ms, part_at) values ($1, 1, 'failure', 'http://x', '{}', 1, now() - interval '1 day')`,
        [d.id],
      );
    }
    expect((await q(`select count(*)::int as n from deliveries_default`))[0].n).toBe(inDefault + 2);
    const before = await counts();
    const r = await eventually(() => prune(svc.rt.ctx.db, { retentionMs: 5 * MIN }));
    expect(r.deletedDefaultRows).toBe(3);
    expect(await counts()).toEqual({ e: before.e - 1, d: before.d - 1, a: before.a - 1, k: before.k - 1 });
    expect((await q(`select status from deliveries d join events e on e.id = d.event_id where e.external_id like 'def-%'`)).map((x) => x.status)).toEqual(['pending']);
    expect((await q(`select 1 from event_keys where external_id = 'def-pending'`)).length).toBe(1);
  });
});
