// The retry gaps as the engine schedules them (FORJINN_RETRY_DELAYS, docs/delivery.md): after
// attempt k fails, the delivery's next attempt is the k-th delay later (±20 % jitter), the last
// delay repeating. The delays are hours, so nothing runs again by itself during the test: the
// clock is moved on by making the scheduled attempt due now, and the engine runs it.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const HOUR = 3_600_000;
const DELAYS = [1, 2, 4].map((h) => h * HOUR);
const { svc, rx } = useRig({ env: { FORJINN_RETRY_DELAYS: '1h,2h,4h' }, responder: (_req, _n, res) => res.writeHead(500).end('down') });

describe('retry gaps', () => {
  test('after attempt k the next attempt is scheduled the k-th delay later, the last one repeating', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/gaps`, events: ['flow_completed'], maxAttempts: 5 });
    expect(hook.status).toBe(201);
    const ev = await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id: crypto.randomUUID() });
    expect(ev.body.deliveries).toBe(1);
    const deliveryId = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data[0].id;

    // Attempt 4 waits the last delay again.
    const expected = [DELAYS[0], DELAYS[1], DELAYS[2], DELAYS[2]];
    for (const [i, delay] of expected.entries()) {
      const k = i + 1;
      const d = await eventually(async () => {
        const r = (await svc.api('GET', `/v1/deliveries/${deliveryId}`)).body;
        // The delivery and its attempts are read by two statements: wait until both show attempt k.
        return r.attempts.length === k && r.status === 'pending' && r.lastAttemptAt === r.attempts[k - 1].createdAt ? r : undefined;
      }, { what: `attempt ${k} stored and its retry scheduled` });
      expect(d.attempts[k - 1]).toMatchObject({ attempt: k, responseStatus: 500, outcome: 'retry' });
      // Scheduled from the attempt's time plus its duration.
      const gap = Date.parse(d.nextAttemptAt) - Date.parse(d.attempts[k - 1].createdAt) - d.attempts[k - 1].durationMs;
      const within = gap >= delay * 0.8 - 1 && gap <= delay * 1.2 + 1;
      expect(`after attempt ${k}: ${within ? `delay ${k}` : `${gap} ms`}`).toBe(`after attempt ${k}: delay ${k}`);
      // The receiver got exactly the attempts made: nothing ran early.
      expect(rx.received).toHaveLength(k);
      // The hours pass: the scheduled attempt is due now.
      await svc.rt.ctx.db.pool.query('update deliveries set next_attempt_at = now() where id = $1', [deliveryId]);
    }
    // The fifth and last attempt fails for good: no next attempt.
    const last = await eventually(async () => {
      const r = (await svc.api('GET', `/v1/deliveries/${deliveryId}`)).body;
      return r.status === 'failed' ? r : undefined;
    }, { what: 'the last attempt' });
    expect(last.attempts).toHaveLength(5);
    expect(last.nextAttemptAt).toBeNull();
  });
});
