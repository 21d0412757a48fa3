// Back-pressure (issue 26): while PostgreSQL is slower than ingest, the events a process has taken
// and not yet written are bounded (FORJINN_MAX_PENDING_EVENTS). A second session holds a lock
// that every ingest statement waits on; of 61 events sent meanwhile, the first 20 wait (their
// answer comes after the commit), the other 41 are answered at once 503 `overloaded` with
// Retry-After 1 and nothing stored. After the lock goes, the 20 are 202 and delivered, and a
// refused event sent again is accepted. PostgreSQL only: on PGlite no second session can hold a
// lock beside the service's.
import { expect, test } from '@jest/globals';
import pg from 'pg';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const MAX = 20;
const { svc, rx } = useRig({ env: { FORJINN_MAX_PENDING_EVENTS: String(MAX) } });

const send = (id: string) =>
  fetch(`${svc.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ event: 'flow_completed', id, chatflowId: 'cf-pressure' }),
  });

test('past FORJINN_MAX_PENDING_EVENTS waiting for the database, events are refused 503 overloaded with Retry-After, nothing stored; the rest are kept and delivered', async () => {
  expect((await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/pressure`, events: ['*'] })).status).toBe(201);
  const blocker = new pg.Client(svc.rt.ctx.db.clientConfig);
  await blocker.connect();
  try {
    await blocker.query('begin');
    await blocker.query('lock table events in share mode'); // every ingest statement inserts into events: it waits
    const blockerPid = (await blocker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    const first = send('pressure-0');
    await eventually(async () => ((await blocker.query(`select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid))`, [blockerPid])).rowCount ?? 0) >= 1, {
      what: 'the first ingest statement waiting on the lock',
    });

    const ids = Array.from({ length: 60 }, (_, i) => `pressure-${i + 1}`);
    const answers = new Map<string, Response>();
    const pending = ids.map((id) => send(id).then((res) => answers.set(id, res)));
    // The refused ones are answered while the lock is still held; the admitted ones are not.
    await eventually(() => answers.size >= 60 - (MAX - 1), { what: 'the refusals, answered at once' });
    const refused = [...answers.entries()];
    expect(refused).toHaveLength(60 - (MAX - 1));
    for (const [id, res] of refused) {
      expect([id, res.status, res.headers.get('retry-after'), (await res.json()).error.code]).toEqual([id, 503, '1', 'overloaded']);
    }
    expect((await blocker.query(`select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid))`, [blockerPid])).rowCount).toBeGreaterThanOrEqual(1);

    await blocker.query('commit');
    await Promise.all(pending);
    const admitted = [(await first).status, ...ids.filter((id) => !refused.some(([r]) => r === id)).map((id) => answers.get(id)!.status)];
    expect(admitted).toEqual(Array(MAX).fill(202));

    // Nothing of a refused event was stored; the admitted ones are delivered.
    for (const [id] of refused) expect((await svc.api('GET', `/v1/events/${id}`)).status).toBe(404);
    await eventually(() => new Set(rx.received.filter((r) => r.path === '/pressure').map((r) => JSON.parse(r.body).id)).size === MAX, { what: 'the admitted events delivered' });
    // Sent again once the database keeps up, a refused event is accepted.
    expect((await send(refused[0][0])).status).toBe(202);
  } finally {
    await blocker.query('rollback').catch(() => {});
    await blocker.end();
  }
});
