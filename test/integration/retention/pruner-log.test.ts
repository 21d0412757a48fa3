// The pruning timer of serve and worker (services/retention/pruner.ts): a run that removed
// something logs one info line with its counts (never a payload), and stop() ends it cleanly.
// Its clock is passed in (6 minutes on with FORJINN_RETENTION=5m), never slept.
import { expect, test } from '@jest/globals';
import { startPruner } from '../../../src/services/retention/pruner.js';
import { useRig } from '../../helpers/rig.js';
import { ok } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';

const { svc, rx } = useRig({ env: { FORJINN_RETENTION: '5m' }, responder: ok });

test('a run that removed history logs its counts once, without payloads; stop ends it', async () => {
  const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/log`, events: ['flow_completed'] });
  expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'log-1', chatflowId: 'cf', input: 'secret-ish payload text' })).status).toBe(202);
  await eventually(async () => (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries?status=succeeded`)).body.data.length === 1);

  const pruner = startPruner(svc.rt.ctx, { now: () => new Date(Date.now() + 6 * 60_000) });
  const line = await eventually(() => svc.logs.find((l) => l.includes('pruned finished history')), { what: 'the prune line' });
  await pruner.stop();
  const entry = JSON.parse(line);
  expect(entry).toMatchObject({ level: 30, component: 'retention', removedKeys: 1, movedPending: 0, retention: 300_000 });
  expect(entry.droppedPartitions).toBeGreaterThanOrEqual(3);
  expect(line).not.toContain('secret-ish');
  expect(svc.logs.filter((l) => l.includes('pruned finished history'))).toHaveLength(1);
  expect((await svc.rt.ctx.db.pool.query('select count(*)::int as n from events')).rows[0].n).toBe(0);
});
