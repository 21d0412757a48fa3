// A database that stops answering: another connection holds `lock table events in access
// exclusive mode` in an open transaction. On PostgreSQL ingest then waits on the lock until the
// statement timeout cancels it; on PGlite (one session, shared through its socket) every other
// connection waits until that transaction ends, so the client's read timeout is what answers.
// Either way ingest (fast path and express) answers 503 database_unavailable with Retry-After
// while the lock is still held instead of waiting it out, /healthz says unhealthy while it is
// held too, and after the lock is let go every event answered 202 is stored and ingest is back
// by itself. (How long an answer takes is the bench's to measure; here the lock is held until
// every answer is in, so an answer that waited the lock out never comes and the test fails.)
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { startService, type TestService } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';

const STATEMENT_MS = 1_000;

let svc: TestService;
beforeAll(async () => {
  svc = await startService({ FORJINN_DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_MS), FORJINN_DB_CONNECT_TIMEOUT_MS: '1000' });
});
afterAll(async () => svc?.close());

const FAST = 'application/json';
const EXPRESS = 'application/json;charset=utf-8'; // spelled so the fast path leaves it to express

async function ingest(id: string, type = FAST) {
  const res = await fetch(`${svc.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${svc.key}`, 'content-type': type },
    body: JSON.stringify({ event: 'flow_completed', id, chatflowId: 'cf' }),
  });
  const body = await res.json();
  return { id, status: res.status, body, retryAfter: res.headers.get('retry-after') };
}

async function stored(ids: string[]): Promise<Set<string>> {
  const { rows } = await svc.rt.ctx.db.pool.query<{ external_id: string }>('select external_id from events where external_id = any($1::text[])', [ids]);
  return new Set(rows.map((r) => r.external_id));
}

test('events locked: ingest answers 503 + Retry-After while the lock is held, healthz 503, nothing accepted lost', async () => {
  const accepted: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await ingest(`before-${i}`);
    expect(r.status).toBe(202);
    accepted.push(r.id);
  }

  const holder = new pg.Client(svc.rt.ctx.db.clientConfig);
  await holder.connect();
  await holder.query('begin');
  await holder.query('lock table events in access exclusive mode');
  // Asked on the holder's own connection: its transaction is the one that has the lock.
  const lockHeld = async () =>
    (await holder.query(`select 1 from pg_locks where relation = 'events'::regclass and mode = 'AccessExclusiveLock' and granted`)).rowCount === 1;
  try {
    expect(await lockHeld()).toBe(true);
    const during = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => ingest(`during-fast-${i}`, FAST)),
      ...Array.from({ length: 6 }, (_, i) => ingest(`during-express-${i}`, EXPRESS)),
    ]);
    for (const r of during) {
      expect({ id: r.id, status: r.status, code: r.body.error?.code, retryAfter: r.retryAfter }).toEqual({ id: r.id, status: 503, code: 'database_unavailable', retryAfter: '5' });
    }
    const health = await fetch(`${svc.url}/healthz`);
    expect(health.status).toBe(503);
    // Requests that come later are answered too (PGlite: at once, the gate is closed).
    const later = await ingest('during-later');
    expect(later.status).toBe(503);
    // Every answer above came while the lock was held: none waited for it to be let go.
    expect(await lockHeld()).toBe(true);
  } finally {
    await holder.query('commit');
    await holder.end();
  }

  // Back by itself; the events answered 503 are sent again, as a producer would.
  await eventually(async () => (await fetch(`${svc.url}/healthz`)).status === 200, { what: 'healthz 200 again', timeoutMs: 10_000 });
  const again = [...Array.from({ length: 6 }, (_, i) => `during-fast-${i}`), ...Array.from({ length: 6 }, (_, i) => `during-express-${i}`), 'during-later'];
  for (const id of again) {
    const r = await ingest(id);
    // 200: a 503'd request whose statement went through after all (stored once, by its id).
    expect([200, 202]).toContain(r.status);
    accepted.push(id);
  }
  const have = await stored(accepted);
  expect(accepted.filter((id) => !have.has(id))).toEqual([]);
});
