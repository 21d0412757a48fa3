// Mutes through the API (docs/api.md, "Mutes"): while a mute of a chatflow holds, the deliveries
// it covers are stored as `muted` in the webhook's request log and never reach the receiver;
// other chatflows and other webhooks are delivered; an ended or removed mute lets the next
// event through; a muted delivery can be redelivered by hand. No clock is waited on: an ended
// mute is one made with an `until` already past.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';

const { svc, rx } = useRig();
let chatId = '';
let otherId = '';
let genericId = '';

const flow = (id: string, chatflowId: string) => ({ event: 'flow_completed', id, chatflowId, output: `output of ${id}` });
const sentTo = (path: string) => rx.received.filter((r) => r.path === path);
const logOf = async (hook: string) => (await svc.api('GET', `/v1/webhooks/${hook}/deliveries?limit=100`)).body.data as Array<{ id: string; eventId: string; status: string; attempts: number; lastError: string | null }>;
const deliveryOf = async (hook: string, eventId: string) => (await logOf(hook)).find((d) => d.eventId === eventId);
const settled = (hook: string, eventId: string, status: string) =>
  eventually(async () => (await deliveryOf(hook, eventId))?.status === status || undefined, { what: `${eventId} ${status} for ${hook}`, timeoutMs: 20_000 });

beforeAll(async () => {
  const chat = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/chat`, events: ['*'], secret: null, transformer: 'slack', transformerConfig: { group: false } });
  const other = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/other`, events: ['*'], secret: null, transformer: 'discord', transformerConfig: { group: false } });
  const generic = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/generic`, events: ['*'] });
  [chatId, otherId, genericId] = [chat.body.id, other.body.id, generic.body.id];
  expect([chat.status, other.status, generic.status]).toEqual([201, 201, 201]);
});

describe('mutes', () => {
  let muteId = '';

  test('bad mutes are refused naming the field; a signed webhook cannot be muted', async () => {
    const cases: Array<[unknown, string]> = [
      [{ chatflowId: 'cf-a', webhookId: chatId, for: 'soon' }, 'for'],
      [{ chatflowId: 'cf-a', webhookId: chatId, for: '30' }, 'for'],
      [{ chatflowId: 'cf-a', webhookId: chatId, for: '31d' }, 'for'],
      [{ chatflowId: 'cf-a', webhookId: chatId }, 'for'],
      [{ chatflowId: 'cf-a', webhookId: chatId, for: '1h', until: '2030-01-01T00:00:00Z' }, 'until'],
      [{ chatflowId: 'cf-a', for: '1h' }, 'webhookId'],
      [{ chatflowId: 'cf-a', webhookId: chatId, slackChannel: 'C0123ABCD', for: '1h' }, 'slackChannel'],
      [{ chatflowId: 'cf-a', slackChannel: '#ops', for: '1h' }, 'slackChannel'],
      [{ chatflowId: '', webhookId: chatId, for: '1h' }, 'chatflowId'],
      [{ chatflowId: 'cf-a', webhookId: genericId, for: '1h' }, 'webhookId'],
      [{ chatflowId: 'cf-a', webhookId: chatId, for: '1h', who: 'me' }, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await svc.api('POST', '/v1/mutes', body);
      expect([JSON.stringify(body), res.status, res.body.error.code, res.body.error.field]).toEqual([JSON.stringify(body), 400, 'validation_error', field]);
    }
    expect((await svc.api('GET', '/v1/mutes')).body.data).toEqual([]);
  });

  test('while muted, the chatflow is stored as muted and not sent; another chatflow and another webhook are delivered', async () => {
    const made = await svc.api('POST', '/v1/mutes', { chatflowId: 'cf-a', webhookId: chatId, for: '1h' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ chatflowId: 'cf-a', webhookId: chatId, slackChannel: null, active: true, createdBy: 'api' });
    muteId = made.body.id;
    expect(new Date(made.body.until).getTime() - new Date(made.body.createdAt).getTime()).toBe(3_600_000);

    expect((await svc.api('POST', '/v1/events', flow('ev-muted', 'cf-a'))).body.deliveries).toBe(3);
    expect((await svc.api('POST', '/v1/events', flow('ev-other-flow', 'cf-b'))).status).toBe(202);
    await settled(chatId, 'ev-other-flow', 'succeeded');
    await settled(otherId, 'ev-muted', 'succeeded');

    const muted = await deliveryOf(chatId, 'ev-muted');
    expect(muted).toMatchObject({ status: 'muted', attempts: 0 });
    expect(muted!.lastError).toContain(`mute ${muteId}`);
    // The muted delivery was stored before the other one was sent, and is final: never sent.
    expect(sentTo('/chat')).toHaveLength(1);
    expect(sentTo('/chat')[0].body).toContain('ev-other-flow');
    expect((await svc.api('GET', `/v1/webhooks/${chatId}/deliveries?status=muted`)).body.data.map((d: { eventId: string }) => d.eventId)).toEqual(['ev-muted']);
    expect((await svc.api('GET', `/v1/deliveries/${muted!.id}`)).body.attempts).toEqual([]);
    expect((await svc.api('GET', `/v1/webhooks/${chatId}`)).body.failureStreak).toBe(0);
    expect((await svc.api('GET', '/v1/mutes')).body.data.map((m: { id: string }) => m.id)).toEqual([muteId]);
  });

  test('muting again replaces the live mute instead of stacking', async () => {
    const again = await svc.api('POST', '/v1/mutes', { chatflowId: 'cf-a', webhookId: chatId, for: '2h' });
    expect(again.status).toBe(201);
    expect((await svc.api('GET', '/v1/mutes')).body.data.map((m: { id: string }) => m.id)).toEqual([again.body.id]);
    muteId = again.body.id;
  });

  test('a muted delivery can be redelivered by hand', async () => {
    const muted = await deliveryOf(chatId, 'ev-muted');
    expect((await svc.api('POST', `/v1/deliveries/${muted!.id}/redeliver`)).status).toBe(202);
    await settled(chatId, 'ev-muted', 'succeeded');
    expect(sentTo('/chat')).toHaveLength(2);
  });

  test('removed, the mute lets the next event through', async () => {
    expect((await svc.api('DELETE', `/v1/mutes/${muteId}`)).status).toBe(204);
    expect((await svc.api('DELETE', `/v1/mutes/${muteId}`)).status).toBe(404);
    expect((await svc.api('DELETE', '/v1/mutes/not-an-id')).status).toBe(404);
    await svc.api('POST', '/v1/events', flow('ev-unmuted', 'cf-a'));
    await settled(chatId, 'ev-unmuted', 'succeeded');
    expect(sentTo('/chat')).toHaveLength(3);
  });

  test('a mute whose until has passed no longer holds, and is listed only with all=true', async () => {
    const ended = await svc.api('POST', '/v1/mutes', { chatflowId: 'cf-a', webhookId: chatId, until: new Date(Date.now() - 60_000).toISOString() });
    expect(ended.status).toBe(201);
    expect(ended.body.active).toBe(false);
    expect((await svc.api('GET', '/v1/mutes')).body.data).toEqual([]);
    expect((await svc.api('GET', '/v1/mutes?all=true&chatflowId=cf-a')).body.data.map((m: { id: string }) => m.id)).toEqual([ended.body.id]);
    await svc.api('POST', '/v1/events', flow('ev-after-end', 'cf-a'));
    await settled(chatId, 'ev-after-end', 'succeeded');
    expect(sentTo('/chat')).toHaveLength(4);
  });
});
