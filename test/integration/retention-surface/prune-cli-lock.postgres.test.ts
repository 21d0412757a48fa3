// `forjinn-webhooks prune` beside another process that is pruning the same database (PostgreSQL:
// separate sessions, so the advisory lock keeps them apart; on PGlite every connection is one
// session and the process's own run is what excludes): it says so and exits 0, removing nothing.
// The lock is per schema: a prune of another schema on the same database does not stop it.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import { startService, type TestService } from '../../helpers/service.js';
import { runCli } from '../../helpers/cli.js';
import { PRUNE_LOCK, PRUNE_LOCK_KEYS } from '../../../src/store/retention.js';

let svc: TestService;
let other: TestService;
beforeAll(async () => {
  svc = await startService({ FORJINN_RETENTION: '1d' });
  other = await startService({ FORJINN_RETENTION: '1d' });
});
afterAll(async () => {
  await svc?.close();
  await other?.close();
});

const prune = () => runCli(['prune', '--retention', '1d'], svc.env);

async function holdingLockOf(of: TestService, f: () => Promise<void>) {
  const holder = new pg.Client(of.rt.ctx.db.clientConfig);
  await holder.connect();
  try {
    await holder.query(`select pg_advisory_lock(${PRUNE_LOCK_KEYS})`, [PRUNE_LOCK]);
    await f();
  } finally {
    await holder.end();
  }
}

test('beside another process pruning this schema (its lock held) it says so and exits 0', async () => {
  await holdingLockOf(svc, async () => {
    const run = await prune();
    expect(run.code).toBe(0);
    expect(run.out.trim()).toBe('Another process is pruning this database right now; nothing done here (it removes the same history).');
  });
}, 60_000);

test("another schema's prune on the same database does not hold this one up", async () => {
  await holdingLockOf(other, async () => {
    const run = await prune();
    expect(run.code).toBe(0);
    expect(run.out.trim()).toMatch(/^Nothing to remove/);
  });
}, 60_000);
