// A delivery waiting for its destination's turn never waits past its lease (pacing, issue 14 item
// 4): with a 1.5 s lease and a Slack webhook paused 3 s by a 429, the deliveries queued behind the
// pause are given back due when the pause ends (their attempt number with them) instead of being
// sent under a lease another claim may already have taken. Asserted by what the fake Slack saw:
// one 429, then exactly one message per event, none twice.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { CONTRACTS } from '../../helpers/target-contract.js';
import { eventually } from '../../helpers/eventually.js';
import { rateLimitedVendors } from '../../helpers/rate-limited-vendors.js';

const vendors = rateLimitedVendors();
const { svc, rx } = useRig({ env: { FORJINN_DELIVERY_TIMEOUT_MS: '500', FORJINN_LEASE_MS: '1500' }, responder: vendors.responder });

describe('pacing within the lease', () => {
  test('deliveries behind a 3 s pause with a 1.5 s lease: left for later, each sent once, on its first attempt', async () => {
    const run = `lease-${crypto.randomUUID()}`;
    const path = `/slack/services/T0/B5/${run}`;
    vendors.configure(path, { busyFirst: 3 });
    const hook = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['error_occurred'], transformer: 'slack', transformerConfig: { ...CONTRACTS.slack.settings, group: false }, filters: { chatflowIds: [run] } });
    expect(hook.status).toBe(201);
    const emit = async () => expect((await svc.api('POST', '/v1/events', { ...sampleEvent('error_occurred'), id: crypto.randomUUID(), chatflowId: run })).status).toBe(202);

    await emit();
    await eventually(() => vendors.at(path).length === 1, { what: 'the first 429' });
    for (let i = 0; i < 3; i++) await emit();
    const list = await eventually(
      async () => {
        const data = (await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries`)).body.data as Array<{ status: string; attempts: number }>;
        return data.length === 4 && data.every((d) => d.status === 'succeeded') ? data : undefined;
      },
      { timeoutMs: 60_000, what: 'four succeeded deliveries' },
    );
    // The first was refused once (429) and retried; the three behind the pause each went once.
    expect(list.map((d) => d.attempts).sort()).toEqual([1, 1, 1, 2]);
    expect(vendors.at(path).map((a) => a.status)).toEqual([429, 200, 200, 200, 200]);
  }, 90_000);
});
