// Slack bot mode is paced per channel (pacing, issue 14 item 4): every bot-mode webhook posts to
// the one chat.postMessage URL, so the channel, not the URL, is the destination. Against a fake
// chat.postMessage that answers 429 with Retry-After to a second message to a channel within a
// second (test/helpers/rate-limited-vendors.ts): two webhooks to one channel share its pace with
// no 429, and a channel paused by a 429 holds no other channel. Asserted by counts and order.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { rateLimitedVendors } from '../../helpers/rate-limited-vendors.js';

const vendors = rateLimitedVendors();
const { svc, rx } = useRig({
  env: () => ({ SLACK_SIGNING_SECRET: 'pacing-signing-secret', SLACK_BOT_TOKEN: 'xoxb-pacing-token', SLACK_API_URL: `${rx.url}/slack-api` }),
  responder: vendors.responder,
});

const LONG = { timeoutMs: 60_000 };
const statuses = (channel: string) => vendors.at(`slack-api ${channel}`).map((a) => a.status);

async function botHook(channel: string, chatflowId: string): Promise<string> {
  const res = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/slack-api/chat.postMessage`, events: ['error_occurred'], transformer: 'slack', transformerConfig: { channel, group: false }, filters: { chatflowIds: [chatflowId] } });
  expect([res.status, res.body?.error]).toEqual([201, undefined]);
  return res.body.id as string;
}

async function emit(chatflowId: string, n: number) {
  for (let i = 0; i < n; i++) expect((await svc.api('POST', '/v1/events', { ...sampleEvent('error_occurred'), id: crypto.randomUUID(), chatflowId })).status).toBe(202);
}

async function succeeded(hookId: string, n: number) {
  return eventually(
    async () => {
      const data = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data as Array<{ status: string; attempts: number }>;
      return data.filter((d) => d.status === 'succeeded').length >= n ? data : undefined;
    },
    { ...LONG, what: `${n} succeeded deliveries of ${hookId}` },
  );
}

describe('Slack bot mode paced per channel', () => {
  test('two webhooks posting to one channel share its pace: six messages, no 429; a channel paused by a 429 holds no other', async () => {
    await svc.rt.ctx.db.pool.query(`insert into slack_links (team_id, workspace_id, linked_by) select 'TPACING1', id, 'test' from workspaces where name = 'default'`);
    const run = crypto.randomUUID();

    const one = await botHook('C0SHARED01', `${run}-shared`);
    const two = await botHook('C0SHARED01', `${run}-shared`);
    await emit(`${run}-shared`, 3);
    for (const hook of [one, two]) expect((await succeeded(hook, 3)).map((d) => d.attempts)).toEqual([1, 1, 1]);
    expect(statuses('C0SHARED01')).toEqual(Array(6).fill(200));

    // Someone else has used channel A up: its first message gets 429, Retry-After 6.
    vendors.configure('slack-api C0BUSYAAA1', { busyFirst: 6 });
    const busy = await botHook('C0BUSYAAA1', `${run}-a`);
    const free = await botHook('C0FREEBBB1', `${run}-b`);
    await emit(`${run}-a`, 1);
    await eventually(() => statuses('C0BUSYAAA1').length === 1, { what: "channel A's 429" });
    await emit(`${run}-a`, 2);
    await emit(`${run}-b`, 2);
    await succeeded(free, 2);
    // Channel B got its two at its own pace while channel A still had heard only its first.
    expect([statuses('C0FREEBBB1'), statuses('C0BUSYAAA1')]).toEqual([[200, 200], [429]]);
    await succeeded(busy, 3);
    expect(statuses('C0BUSYAAA1')).toEqual([429, 200, 200, 200]);
  }, 90_000);
});
