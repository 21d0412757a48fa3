// Hand-off: the ingest statement leases new deliveries to this process's worker in the same
// commit, within the room the worker offers; the rest stay claimable by any worker, and leased
// rows are not, until their lease runs out.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { prepareEvent } from '../../../src/services/ingest/ingest.js';
import { insertEvents } from '../../../src/services/ingest/insert.js';
import { claimDue, type HandedDelivery, type LeasePlan } from '../../../src/store/deliveries/index.js';
import type { LocalWorker } from '../../../src/services/ingest/handoff.js';

let svc: TestService;
let workspaceId: string;

beforeAll(async () => {
  // No worker in this process: the test plays the local worker itself.
  svc = await startService({}, { api: true, worker: false });
  workspaceId = (await svc.rt.ctx.db.pool.query<{ id: string }>(`select id from workspaces where name = 'default'`)).rows[0].id;
});
afterAll(async () => svc?.close());

class FakeWorker implements LocalWorker {
  adopted: HandedDelivery[] = [];
  plans = 0;
  released = 0;
  constructor(private shape: Omit<LeasePlan, 'lease' | 'leaseMs'>) {}
  plan(): LeasePlan {
    this.plans++;
    return { lease: 'test-worker', leaseMs: 60_000, ...this.shape };
  }
  release(): void {
    this.released++;
  }
  adopt(rows: HandedDelivery[]): void {
    this.adopted.push(...rows);
  }
}

const hook = async (chatflow: string) =>
  (await svc.api('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/${chatflow}`, events: ['*'], filters: { chatflowIds: [chatflow] } })).body.id as string;
const events = (n: number, chatflow: string) =>
  Array.from({ length: n }, (_, i) => prepareEvent({ event: 'flow_completed', id: `${chatflow}-${i}`, chatflowId: chatflow, output: `out ${i}` }, 'default'));
const claimAll = async () => claimDue(svc.rt.ctx.db.pool, 500, 60_000, [], 'other-worker');

describe('ingest hands new deliveries to the local worker', () => {
  test('up to the room offered; the rest are left for a claim, the leased ones are not claimable', async () => {
    const a = await hook('hand-a');
    const b = await hook('hand-a'); // two webhooks on the same events: 2 deliveries per event
    const local = new FakeWorker({ limit: 5, hooks: [], caps: [], defaultCap: 100 });
    const evs = events(4, 'hand-a');
    const out = await insertEvents(svc.rt.ctx, { local }, workspaceId, evs);
    expect(out.map((o) => o.deliveries)).toEqual([2, 2, 2, 2]);
    expect(out.reduce((n, o) => n + o.handed, 0)).toBe(5);
    expect([local.plans, local.released]).toEqual([1, 1]);
    expect(local.adopted).toHaveLength(5);
    // What the worker gets is enough to send: the payload as stored, the webhook and its version.
    for (const r of local.adopted) {
      expect([a, b]).toContain(r.webhook_id);
      expect(JSON.parse(r.payload)).toMatchObject({ event: 'flow_completed', chatflowId: 'hand-a', workspace: 'default' });
      expect(evs.map((e) => e.payload)).toContain(r.payload);
      expect(r.webhook_updated_at).toBeInstanceOf(Date);
    }
    const claimed = await claimAll();
    expect(claimed).toHaveLength(3);
    const all = new Set([...local.adopted.map((r) => r.id), ...claimed.map((r) => r.id)]);
    expect(all.size).toBe(8); // every delivery once: leased or claimed, never both
    const { rows } = await svc.rt.ctx.db.pool.query(`select count(*)::int as n from deliveries where locked_by = 'test-worker' and locked_until > now()`);
    expect(rows[0].n).toBe(5);
  });

  test('per-webhook caps: a webhook at its cap gets nothing handed, others get theirs', async () => {
    const full = await hook('hand-b');
    const other = await hook('hand-b');
    const local = new FakeWorker({ limit: 100, hooks: [full], caps: [0], defaultCap: 2 });
    await insertEvents(svc.rt.ctx, { local }, workspaceId, events(3, 'hand-b'));
    expect(local.adopted.map((r) => r.webhook_id)).toEqual([other, other]);
    expect((await claimAll()).map((r) => r.webhook_id).sort()).toEqual([full, full, full, other].sort());
  });

  test('no worker here (an api process): nothing is leased, every delivery is claimable', async () => {
    await hook('hand-c');
    const out = await insertEvents(svc.rt.ctx, {}, workspaceId, events(3, 'hand-c'));
    expect(out.map((o) => o.handed)).toEqual([0, 0, 0]);
    expect(await claimAll()).toHaveLength(3);
  });

  test('a duplicate hands nothing, and a failed statement still gives the reservation back', async () => {
    const local = new FakeWorker({ limit: 10, hooks: [], caps: [], defaultCap: 10 });
    await hook('hand-d');
    const evs = events(1, 'hand-d');
    await insertEvents(svc.rt.ctx, { local }, workspaceId, evs);
    const again = await insertEvents(svc.rt.ctx, { local }, workspaceId, evs);
    expect(again[0]).toMatchObject({ duplicate: true, handed: 0 });
    expect(local.adopted).toHaveLength(1);
    await expect(insertEvents(svc.rt.ctx, { local }, 'not-a-uuid', evs)).rejects.toThrow();
    expect(local.released).toBe(local.plans);
    await claimAll();
  });
});
