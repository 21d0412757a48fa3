// Grouped alerts are on by default for chat targets (issue 14, item 1; docs/transformers.md,
// "Grouped alerts"): a Slack webhook created with no group setting gathers 20 errors of one
// chatflow into one message that counts 20 (the request log: one carrier, 19 `grouped` naming
// it), while `group: false` sends one message per event (five, each its own). The default wait is 30 s: instead of
// waiting for it, the carrier is sent now with Redeliver, as a user would, and carries the group
// as it is. The preview says what the default does.
import { describe, expect, test } from '@jest/globals';
import { sampleEvent } from '../../helpers/samples.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';

const { svc, rx } = useRig();

async function slackHook(path: string, chatflowId: string, transformerConfig?: Record<string, unknown>): Promise<string> {
  const res = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['error_occurred'], transformer: 'slack', filters: { chatflowIds: [chatflowId] }, ...(transformerConfig ? { transformerConfig } : {}) });
  expect([res.status, res.body?.error]).toEqual([201, undefined]);
  return res.body.id as string;
}

async function emitErrors(chatflowId: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => crypto.randomUUID());
  for (const res of await Promise.all(ids.map((id) => svc.api('POST', '/v1/events', { ...sampleEvent('error_occurred'), id, chatflowId })))) expect(res.status).toBe(202);
  return ids;
}

type LogRow = { id: string; eventId: string; status: string; lastError: string | null };
const requestLog = async (hookId: string): Promise<LogRow[]> => (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries?limit=100`)).body.data;
const messagesAt = (path: string) => rx.received.filter((r) => r.path === path).map((r) => JSON.parse(r.body) as { text: string });

describe('grouped alerts by default', () => {
  test('a Slack webhook created without a group setting: 20 errors are one message counting 20', async () => {
    const chatflow = `default-${crypto.randomUUID()}`;
    const hook = await slackHook('/slack/T0/B0/default', chatflow);
    expect((await svc.api('GET', `/v1/webhooks/${hook}`)).body.transformerConfig).toEqual({});
    const preview = await svc.api('POST', `/v1/webhooks/${hook}/preview`, { event: 'error_occurred' });
    expect(preview.body.grouping).toBe(
      'Events with the same type, chatflow or agent, and error code are gathered for 30s and sent as one message, updated by a new digest message at most every 1m, closed after 10m quiet.',
    );

    await emitErrors(chatflow, 20);
    // One delivery carries the group's message, held for the wait; the other 19 are counted in it.
    const log = await eventually(async () => {
      const l = await requestLog(hook);
      return l.length === 20 && l.filter((d) => d.status === 'grouped').length === 19 ? l : undefined;
    }, { what: '19 grouped deliveries and their carrier' });
    const carrier = log.find((d) => d.status !== 'grouped')!;
    expect(carrier.status).toBe('pending');
    for (const d of log.filter((x) => x.status === 'grouped')) expect(d.lastError).toContain(carrier.id);
    expect(messagesAt('/slack/T0/B0/default')).toEqual([]);

    // Sent now: one message, counting the 20.
    expect((await svc.api('POST', `/v1/deliveries/${carrier.id}/redeliver`)).status).toBe(202);
    const [message] = await eventually(() => (messagesAt('/slack/T0/B0/default').length ? messagesAt('/slack/T0/B0/default') : undefined), { what: 'the group message' });
    expect(message.text).toMatch(/\(20 events\)$/);
    await eventually(async () => (await requestLog(hook)).find((d) => d.id === carrier.id)?.status === 'succeeded' || undefined, { what: 'the carrier succeeded' });
    expect(messagesAt('/slack/T0/B0/default')).toHaveLength(1);
  });

  // Five, not 20: sent one by one at Slack's pace of one a second.
  test('group: false: one message per event', async () => {
    const chatflow = `ungrouped-${crypto.randomUUID()}`;
    const hook = await slackHook('/slack/T0/B0/ungrouped', chatflow, { group: false });
    expect((await svc.api('POST', `/v1/webhooks/${hook}/preview`, { event: 'error_occurred' })).body.grouping).toBe('Not grouped: one message per event.');
    const ids = await emitErrors(chatflow, 5);
    await eventually(async () => (await requestLog(hook)).filter((d) => d.status === 'succeeded').length === 5 || undefined, { what: '5 deliveries succeeded', timeoutMs: 30_000 });
    const messages = messagesAt('/slack/T0/B0/ungrouped');
    expect(messages).toHaveLength(5);
    for (const m of messages) expect(m.text).not.toMatch(/events\)$/);
    const said = rx.received.filter((r) => r.path === '/slack/T0/B0/ungrouped').map((r) => ids.find((id) => r.body.includes(id)));
    expect(new Set(said).size).toBe(5);
    expect(said).not.toContain(undefined);
  }, 45_000);
});
