// One process prunes at a time (issue 13): a prune that finds another one at it skips (answers
// null) and touches nothing; two at once remove the history once between them. On PostgreSQL two
// pools on one database stand for two processes (the lock is an advisory lock); on PGlite, one
// process, a second run while one is under way is the one skipped.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { prune, PRUNE_LOCK, PRUNE_LOCK_KEYS, type PruneResult } from '../../../src/store/retention.js';
import { onPostgres } from '../../helpers/service.js';
import { useRig } from '../../helpers/rig.js';
import { ok } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';

const MIN = 60_000;
let other: Database | undefined;

// Closed before the service, as it was opened after it.
afterAll(async () => {
  await other?.close();
});
const { svc, rx } = useRig({ env: { FORJINN_RETENTION: '5m' }, responder: ok });
beforeAll(async () => {
  if (onPostgres) other = await openDatabase(svc.rt.ctx.config);
});

const count = async () => (await svc.rt.ctx.db.pool.query<{ n: number }>('select (select count(*) from deliveries) + (select count(*) from events) as n')).rows[0].n;

describe('one pruner at a time', () => {
  test('a run beside another skips; two at once remove it once', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/one`, events: ['flow_completed'] });
    for (const id of ['p1', 'p2']) expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id, chatflowId: 'cf' })).status).toBe(202);
    await eventually(async () => (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries?status=succeeded`)).body.data.length === 2);
    const later = () => ({ retentionMs: 5 * MIN, now: new Date(Date.now() + 6 * MIN) });
    const before = Number(await count());
    expect(before).toBe(4);

    if (onPostgres) {
      // Another process mid-prune: it holds the lock.
      const holder = new pg.Client(svc.rt.ctx.db.clientConfig);
      await holder.connect();
      try {
        await holder.query(`select pg_advisory_lock(${PRUNE_LOCK_KEYS})`, [PRUNE_LOCK]);
        expect(await prune(other!, later())).toBeNull();
        expect(Number(await count())).toBe(before);
      } finally {
        await holder.end();
      }
    }
    // Two at once (two pools on PostgreSQL; one process on PGlite): between them the history goes once, without an error.
    const a = onPostgres ? other! : svc.rt.ctx.db;
    const results: Array<PruneResult | null> = await eventually(async () => {
      const rs = await Promise.all([prune(a, later()), prune(svc.rt.ctx.db, later())]);
      return rs.some((r) => r !== null) ? rs : undefined;
    });
    if (!onPostgres) expect(results.filter((r) => r === null)).toHaveLength(1);
    const done = results.filter((r): r is PruneResult => r !== null);
    expect(done.reduce((n, r) => n + r.removedKeys, 0)).toBe(2);
    expect(Number(await count())).toBe(0);
  });
});
