// Vendor rate limits before the vendor says 429 (issue 14, item 4): the worker paces each
// destination to its target's declared rate (Transformer.rate), so a burst to a Slack incoming
// webhook and to a Discord webhook is delivered whole with no 429 from fakes that enforce the real
// rules (test/helpers/rate-limited-vendors.ts); Discord's bucket headers hold a webhook whose bucket
// is smaller than the declared rate; a 429 (Retry-After, Discord's retry_after) pauses only its own
// destination. Asserted by counts and by the order the fakes saw things in, never by times: each
// burst takes the vendor's own rate (about 10 s for ten Slack messages).
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { CONTRACTS } from '../../helpers/target-contract.js';
import { eventually } from '../../helpers/eventually.js';
import { rateLimitedVendors } from '../../helpers/rate-limited-vendors.js';

const vendors = rateLimitedVendors();
const { svc, rx } = useRig({ env: { FORJINN_DELIVERY_TIMEOUT_MS: '5000' }, responder: vendors.responder });

const uid = () => crypto.randomUUID();
const LONG = { timeoutMs: 60_000 };

async function addHook(transformer: 'slack' | 'discord', path: string, chatflowId: string): Promise<string> {
  const res = await svc.api('POST', '/v1/webhooks', {
    url: `${rx.url}${path}`,
    events: ['error_occurred'],
    transformer,
    transformerConfig: { ...CONTRACTS[transformer].settings, group: false },
    filters: { chatflowIds: [chatflowId] },
  });
  expect([transformer, res.status, res.body?.error]).toEqual([transformer, 201, undefined]);
  return res.body.id as string;
}

async function emit(chatflowId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await svc.api('POST', '/v1/events', { ...sampleEvent('error_occurred'), id: uid(), chatflowId });
    expect(res.status).toBe(202);
  }
}

/** The webhook's deliveries, once `n` of them have succeeded. */
async function succeeded(hookId: string, n: number) {
  return eventually(
    async () => {
      const list = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?limit=100`)).body.data as Array<{ status: string; attempts: number }>;
      return list.filter((d) => d.status === 'succeeded').length >= n ? list : undefined;
    },
    { ...LONG, what: `${n} succeeded deliveries of ${hookId}` },
  );
}

const statuses = (path: string) => vendors.at(path).map((a) => a.status);

describe('pacing per destination', () => {
  test('a burst of ten events to a Slack incoming webhook and a Discord webhook: every one delivered, on the first attempt, and no 429 at either', async () => {
    const run = `burst-${uid()}`;
    const slackPath = `/slack/services/T0/B1/${run}`;
    const discordPath = `/discord/api/webhooks/1/${run}`;
    const slack = await addHook('slack', slackPath, run);
    const discord = await addHook('discord', discordPath, run);
    await emit(run, 10);
    for (const hook of [slack, discord]) {
      const list = await succeeded(hook, 10);
      expect(list.map((d) => [d.status, d.attempts])).toEqual(Array(10).fill(['succeeded', 1]));
    }
    expect(statuses(slackPath)).toEqual(Array(10).fill(200));
    expect(statuses(discordPath)).toEqual(Array(10).fill(200));
  }, 90_000);

  test("a Discord webhook whose bucket is smaller than the declared rate (2 per 2 s): its headers hold the sends, no 429", async () => {
    const run = `bucket-${uid()}`;
    const path = `/discord/api/webhooks/2/${run}`;
    vendors.configure(path, { bucket: { limit: 2, windowMs: 2_000 } });
    const hook = await addHook('discord', path, run);
    await emit(run, 6);
    const list = await succeeded(hook, 6);
    expect(list.map((d) => d.attempts)).toEqual(Array(6).fill(1));
    expect(statuses(path)).toEqual(Array(6).fill(200));
  }, 90_000);

  test('a 429 pauses only its destination: Slack (Retry-After) and Discord (retry_after) wait it out with one 429 each, while another Discord webhook gets its burst at once', async () => {
    const run = `paused-${uid()}`;
    const slackPath = `/slack/services/T0/B3/${run}`;
    const pausedPath = `/discord/api/webhooks/3/${run}`;
    const freePath = `/discord/api/webhooks/4/${run}`;
    // Someone else has used both destinations up: their first request is answered 429, wait 4 s.
    vendors.configure(slackPath, { busyFirst: 4 });
    vendors.configure(pausedPath, { busyFirst: 4 });
    const slack = await addHook('slack', slackPath, `${run}-a`);
    const paused = await addHook('discord', pausedPath, `${run}-a`);
    const free = await addHook('discord', freePath, `${run}-b`);

    await emit(`${run}-a`, 1);
    await eventually(() => statuses(slackPath).length === 1 && statuses(pausedPath).length === 1, { what: 'the first 429 at each paused destination' });
    expect([statuses(slackPath), statuses(pausedPath)]).toEqual([[429], [429]]);

    // Three more to each paused destination, then five to the free one: those five arrive while
    // the paused ones hear nothing more.
    await emit(`${run}-a`, 3);
    await emit(`${run}-b`, 5);
    await succeeded(free, 5);
    expect(statuses(freePath)).toEqual(Array(5).fill(200));
    // By then the paused destinations had still heard only their first request.
    expect([statuses(slackPath), statuses(pausedPath)]).toEqual([[429], [429]]);

    // Then the paused ones get all four, the first delivery on its retry: one 429 each, no more.
    for (const hook of [slack, paused]) await succeeded(hook, 4);
    expect(statuses(slackPath)).toEqual([429, 200, 200, 200, 200]);
    expect(statuses(pausedPath)).toEqual([429, 200, 200, 200, 200]);
  }, 90_000);
});
