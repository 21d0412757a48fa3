// Ingest's group commit on PostgreSQL: a statement stuck behind a lock (or a large fan-out) does
// not hold up the next one for long. (PGlite runs one session for every connection, so a lock
// held by another connection there cannot be shown.)
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import pg from 'pg';
import type { TestService } from '../../helpers/service.js';
import { startWithWorkspaces } from '../../helpers/workspaces.js';
import { eventually } from '../../helpers/eventually.js';
import { IngestBatcher } from '../../../src/services/ingest/batcher.js';
import { prepareEvent } from '../../../src/services/ingest/ingest.js';

let svc: TestService;
let ws: Record<string, string> = {};

beforeAll(async () => {
  ({ svc, ws } = await startWithWorkspaces(['gc-a', 'gc-b']));
});
afterAll(async () => svc?.close());

const event = (id: string, workspace: string) => prepareEvent({ event: 'flow_completed', id, chatflowId: 'cf', output: 'x' }, workspace);

test('a statement stuck behind a lock does not hold up another workspace', async () => {
  const batcher = new IngestBatcher(svc.rt.ctx, svc.rt.engine);
  // Another session locks workspace gc-a's row: inserting its events waits (the foreign key check).
  const blocker = new pg.Client(svc.rt.ctx.db.clientConfig);
  await blocker.connect();
  try {
    await blocker.query('begin');
    await blocker.query('select * from workspaces where id = $1 for update', [ws['gc-a']]);
    const stuck = batcher.add(ws['gc-a'], event('stuck-1', 'gc-a'));
    let stuckDone = false;
    void stuck.then(() => (stuckDone = true));
    // The first statement is waiting on the lock: a backend blocked by the blocker's.
    const blockerPid = (await blocker.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    await eventually(
      async () => (await blocker.query(`select 1 from pg_stat_activity where $1 = any(pg_blocking_pids(pid))`, [blockerPid])).rowCount === 1,
      { what: 'the first statement waiting on the lock' },
    );
    const other = await batcher.add(ws['gc-b'], event('free-1', 'gc-b'));
    expect(other.duplicate).toBe(false);
    expect(stuckDone).toBe(false);
    await blocker.query('commit');
    expect((await stuck).duplicate).toBe(false);
  } finally {
    await blocker.end();
  }
});
