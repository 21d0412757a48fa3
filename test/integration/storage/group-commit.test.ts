// Ingest's group commit: events that arrive together are written in few statements (the
// PostgreSQL-only file shows a stuck statement does not hold up the next one).
import { afterAll, beforeAll, expect, jest, test } from '@jest/globals';
import type { TestService } from '../../helpers/service.js';
import { startWithWorkspaces } from '../../helpers/workspaces.js';
import { IngestBatcher } from '../../../src/services/ingest/batcher.js';
import { prepareEvent } from '../../../src/services/ingest/ingest.js';
import type { AppContext } from '../../../src/core/context.js';

let svc: TestService;
let ws: Record<string, string> = {};
let statements = 0;
let ctx: AppContext;

beforeAll(async () => {
  ({ svc, ws } = await startWithWorkspaces(['gc-a', 'gc-b']));
  // Count the ingest statements the batcher sends.
  const pool = svc.rt.ctx.db.pool;
  const counting = new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop !== 'query') return Reflect.get(target, prop, receiver);
      return (q: { name?: string }, ...rest: unknown[]) => {
        if (q?.name === 'ingest-events') statements++;
        return (target.query as (...a: unknown[]) => unknown)(q, ...rest);
      };
    },
  });
  ctx = { ...svc.rt.ctx, db: { ...svc.rt.ctx.db, pool: counting } };
});
afterAll(async () => svc?.close());

const event = (id: string, workspace: string) => prepareEvent({ event: 'flow_completed', id, chatflowId: 'cf', output: 'x' }, workspace);

test('100 events sent at once are all stored, in a handful of statements', async () => {
  const batcher = new IngestBatcher(ctx, svc.rt.engine);
  const events = Array.from({ length: 100 }, (_, i) => event(`burst-${i}`, 'gc-a'));
  statements = 0;
  // The batcher starts another statement beside one that has been out 20 ms by performance.now()
  // (a slow write must not hold up the rest). Held still while the 100 arrive, so a busy machine
  // that takes longer than that over the loop (seen in CI: 4 statements) does not pass for a
  // slow statement; every other clock runs.
  jest.useFakeTimers({ doNotFake: ['Date', 'hrtime', 'nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
  let out;
  try {
    out = await Promise.all(events.map((e) => batcher.add(ws['gc-a'], e)));
  } finally {
    jest.useRealTimers();
  }
  expect(out.every((o) => !o.duplicate)).toBe(true);
  // The first event goes at once, alone; the 99 that came while it was out go together.
  expect(statements).toBe(2);
  const { rows } = await svc.rt.ctx.db.pool.query(`select count(*)::int as n from events where external_id like 'burst-%'`);
  expect(rows[0].n).toBe(100);
});
