// A redeliver between the prune's first move and its drop is not lost (store/retention.ts: the
// second move of what must be kept, under the tables' lock). The first move runs outside any table
// lock, on the snapshot of its statement: a delivery put back to pending after that snapshot is not
// in it, and only the second move, under the lock, carries it out of the partition being dropped.
//
// The interleaving, made deterministic with a second session (so PostgreSQL only: on PGlite the
// pool is one connection, and nothing can come between the two moves of a prune):
//   1. a session holds the row lock of a delivery the first move has to move (one still retrying);
//   2. the prune starts; its first move takes its snapshot and waits for that row;
//   3. a failed delivery is redelivered through the API and the worker sends it (the receiver
//      holds its answer, so it stays pending, in flight, through the prune);
//   4. the session lets go; the first move ends without the redelivered delivery, the second
//      move (under the lock) takes it, and the old partitions are dropped.
// Then the redelivered delivery is still there, with its event and first attempt, and its answer
// is logged as a success. (A round whose table lock was not got within the prune's lock_timeout
// drops nothing and proves nothing: it is made again with a new delivery.) Time is the `now` passed to prune (6 minutes on, FORJINN_RETENTION=5m).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import type { ServerResponse } from 'node:http';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { ensurePartitions, prune, type PruneResult } from '../../../src/store/retention.js';
import { startService, type TestService } from '../../helpers/service.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';

const MIN = 60_000;
let svc: TestService;
let other: Database;
let retrying: Receiver;
let redelivered: Receiver;
/** The receiver's answer to the redelivery, held until the prune is done. */
let held: ServerResponse | undefined;

beforeAll(async () => {
  // Answers 500: its delivery waits 10 minutes for each retry (pending through the test).
  retrying = await startReceiver((_r, _n, res) => res.writeHead(500).end('no'));
  // 500 to a delivery's first attempt (its one: it fails); the redelivery's answer is held.
  redelivered = await startReceiver((r, _n, res) => {
    const id = r.headers['x-forjinn-delivery'];
    if (redelivered.received.filter((x) => x.headers['x-forjinn-delivery'] === id).length === 1) res.writeHead(500).end('no');
    else held = res;
  });
  svc = await startService({ FORJINN_RETENTION: '5m', FORJINN_RETRY_DELAYS: '10m,10m,10m', FORJINN_DELIVERY_TIMEOUT_MS: '110000' });
  // Another process's prune: its own pool on the same database and schema.
  other = await openDatabase(svc.rt.ctx.config);
});
afterAll(async () => {
  held?.writeHead(200).end();
  await other?.close();
  await svc?.close();
  await retrying?.close();
  await redelivered?.close();
});

const q = async <T = any>(sql: string, values: unknown[] = []) => (await svc.rt.ctx.db.pool.query(sql, values)).rows as T[];

async function onlyDelivery(hookId: string, want: (d: any) => boolean, what: string) {
  return eventually(async () => {
    const d = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data[0];
    return d && want(d) ? d : undefined;
  }, { what });
}

describe('FORJINN_RETENTION=5m, a prune 6 minutes on', () => {
  test('a delivery redelivered after the first move, before the drop, is kept and delivered', async () => {
    const a = await svc.api('POST', '/v1/webhooks', { url: `${retrying.url}/retrying`, events: ['agent_executed'] });
    const b = await svc.api('POST', '/v1/webhooks', { url: `${redelivered.url}/redelivered`, events: ['flow_completed'], maxAttempts: 1 });
    expect([a.status, b.status]).toEqual([201, 201]);
    const ev1 = await svc.api('POST', '/v1/events', { event: 'agent_executed', id: 'still-retrying', agentId: 'ag', status: 'success' });
    expect(ev1.status).toBe(202);
    const pending = await onlyDelivery(a.body.id, (d) => d.status === 'pending' && d.attempts === 1, 'the retrying delivery after its first attempt');

    const holder = new pg.Client(svc.rt.ctx.db.clientConfig);
    await holder.connect();
    let result: PruneResult | null = null;
    let failed: any;
    try {
      const [{ pid }] = (await holder.query<{ pid: number }>('select pg_backend_pid() as pid')).rows;
      for (let round = 1; !result || result.skippedPartitions > 0; round++) {
        // A delivery that fails (its one attempt answered 500).
        const ev = await svc.api('POST', '/v1/events', { event: 'flow_completed', id: `failed-then-redelivered-${round}`, chatflowId: 'cf' });
        expect(ev.status).toBe(202);
        failed = await onlyDelivery(b.body.id, (d) => d.eventId === ev.body.id && d.status === 'failed', 'the delivery that failed');
        const later = new Date(Date.now() + 6 * MIN);
        // Partitions for that `now` made beforehand: making them needs the parent table's lock,
        // which the row lock below would hold up. (Beside the service's own pruner making the same
        // partition at the same moment, one of the two creates fails: tried again.)
        await eventually(async () => (await ensurePartitions(other.pool, 5 * MIN, later)) >= 0, { what: 'the partitions made ahead' });
        // (The service's own pruner may be at it this very moment: then this run answers null, and is tried again.)
        for (result = null; !result; ) {
          await holder.query('begin');
          await holder.query('select 1 from deliveries where id = $1 for update', [pending.id]);
          let settled = false;
          const run = prune(other, { retentionMs: 5 * MIN, now: later }).finally(() => (settled = true));
          const state = await eventually(async () => {
            if (settled) return 'ended';
            const blocked = await q(`select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid)) and query like '%with moved as%'`, [pid]);
            return blocked.length > 0 ? 'first move waiting' : undefined;
          }, { what: 'the prune waiting for the held row, or ended' });
          if (state === 'ended') {
            await holder.query('rollback');
            // Ended without waiting for the held row: only a skipped run (another pruner) may do that.
            expect(await run).toBeNull();
            continue;
          }
          // Between the first move's snapshot and the table lock: the failed delivery goes back to pending.
          expect((await svc.api('POST', `/v1/deliveries/${failed.id}/redeliver`)).status).toBe(202);
          await eventually(() => held, { what: 'the redelivery sent (in flight, pending)' });
          await holder.query('commit');
          result = await run;
        }
        // The table lock not got within the prune's lock_timeout (a busy machine: a claim of the
        // worker still open): nothing dropped, this round proves nothing; the delivery is let
        // through and the round made again with a new one.
        if (result.skippedPartitions > 0) {
          held!.writeHead(200).end('ok');
          held = undefined;
          expect(result.droppedPartitions).toBe(0);
          await onlyDelivery(b.body.id, (d) => d.id === failed.id && d.status === 'succeeded', 'the delivery of the skipped round delivered');
        }
      }
    } finally {
      await holder.end();
    }
    expect(result!.droppedPartitions).toBeGreaterThanOrEqual(3);

    // Both kept: the retrying delivery (first move) and the redelivered one (second move), each with
    // its event and its first attempt.
    const kept = await svc.api('GET', `/v1/deliveries/${failed.id}`);
    expect(kept.status).toBe(200);
    expect(kept.body).toMatchObject({ status: 'pending', event: expect.objectContaining({ id: failed.eventId }) });
    expect(kept.body.attempts.map((x: { responseStatus: number }) => x.responseStatus)).toEqual([500]);
    expect((await svc.api('GET', `/v1/deliveries/${pending.id}`)).body.status).toBe('pending');
    expect(result!.movedPending).toBe(2);
    expect((await svc.api('GET', '/v1/events')).body.data.map((e: { id: string }) => e.id).sort()).toEqual([failed.eventId, 'still-retrying']);

    // The held answer arrives: the redelivery is logged as delivered.
    held!.writeHead(200).end('ok');
    held = undefined;
    const done = await eventually(async () => {
      const d = (await svc.api('GET', `/v1/deliveries/${failed.id}`)).body;
      return d.status === 'succeeded' ? d : undefined;
    }, { what: 'the redelivered delivery succeeded' });
    expect(done.attempts.map((x: { responseStatus: number }) => x.responseStatus)).toEqual([500, 200]);
    expect(redelivered.received.filter((r) => r.headers['x-forjinn-delivery'] === failed.id)).toHaveLength(2);
  });
});
