import { beforeAll, expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';

const { svc, rx } = useRig();
beforeAll(async () => {
  expect((await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/batch`, events: ['flow_completed'] })).status).toBe(201);
});

const flow = (id: string) => ({ event: 'flow_completed', id, chatflowId: 'cf-batch' });

/**
 * Waits until every delivery made for the event `id` is stored as succeeded, and returns how many
 * there are. A succeeded delivery is never sent again, so with one row succeeded and no other,
 * the receiver has had its one request and no second can come.
 */
async function settledDeliveries(id: string): Promise<number> {
  const rows = await eventually(async () => {
    const { rows } = await svc.rt.ctx.db.pool.query<{ status: string }>(
      `select d.status from deliveries d join events e on e.id = d.event_id where e.external_id = $1`,
      [id],
    );
    return rows.length > 0 && rows.every((r) => r.status === 'succeeded') ? rows : undefined;
  }, { what: `the deliveries of ${id} succeeded` });
  return rows.length;
}

test('a batch answers event by event: accepted, duplicate, rejected with its field', async () => {
  await svc.api('POST', '/v1/events', flow('b-seen'));
  const res = await svc.api('POST', '/v1/events/batch', {
    events: [flow('b-1'), { event: 'flow_completed', id: 'b-bad' }, flow('b-seen'), flow('b-2'), flow('b-1'), { event: 'nope' }],
  });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ accepted: 2, duplicates: 2, rejected: 2 });
  expect(res.body.results.map((r: any) => [r.index, r.status])).toEqual([
    [0, 202],
    [1, 400],
    [2, 200],
    [3, 202],
    [4, 200],
    [5, 400],
  ]);
  expect(res.body.results[1].error.field).toBe('events.1.chatflowId');
  expect(res.body.results[5].error.field).toBe('events.5.event');
  expect(res.body.results[0]).toMatchObject({ id: 'b-1', deliveries: 1 });
  await eventually(() => ['b-seen', 'b-1', 'b-2'].every((id) => rx.received.some((r) => JSON.parse(r.body).id === id)));
  expect(await settledDeliveries('b-1')).toBe(1);
  expect(rx.received.filter((r) => JSON.parse(r.body).id === 'b-1')).toHaveLength(1);
});

test('a batch must hold 1 to 500 events', async () => {
  expect((await svc.api('POST', '/v1/events/batch', { events: [] })).body.error.field).toBe('events');
  expect((await svc.api('POST', '/v1/events/batch', {})).body.error.field).toBe('events');
  const big = await svc.api('POST', '/v1/events/batch', { events: Array.from({ length: 501 }, (_, i) => flow(`x${i}`)) });
  expect(big.status).toBe(400);
});

test('the same id sent 40 times at once: one 202, the rest 200, one delivery', async () => {
  const answers = await Promise.all(Array.from({ length: 40 }, () => svc.api('POST', '/v1/events', flow('race-1'))));
  expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
  expect(answers.filter((a) => a.status === 200)).toHaveLength(39);
  expect(answers.every((a) => a.body.deliveries === 1)).toBe(true);
  await eventually(() => rx.received.some((r) => JSON.parse(r.body).id === 'race-1'));
  expect(await settledDeliveries('race-1')).toBe(1);
  expect(rx.received.filter((r) => JSON.parse(r.body).id === 'race-1')).toHaveLength(1);
});

test('200 different events at once are all accepted and delivered once each', async () => {
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => svc.api('POST', '/v1/events', flow(`many-${i}`))));
  expect(answers.every((a) => a.status === 202 && a.body.deliveries === 1)).toBe(true);
  await eventually(() => rx.received.filter((r) => JSON.parse(r.body).id.startsWith('many-')).length >= 200);
  const ids = rx.received.map((r) => JSON.parse(r.body).id).filter((id: string) => id.startsWith('many-'));
  expect(new Set(ids).size).toBe(200);
});
