// Mute from the channel (issue 14, item 5; docs/slack.md, "Mute a chatflow"): real signed Slack
// requests, a fake Slack Web API and a real receiver. `/forjinn mute <chatflow> <duration>` quiets
// the channel's subscriptions, the alert's "Mute this chatflow 1h" button quiets the webhook it
// is about; while muted, an event of that chatflow reaches neither Slack nor the receiver and is
// `muted` in the request log, another chatflow is delivered; `/forjinn unmute` and an ended mute
// let the next one through. No clock is waited on: an ended mute is made with a past `until`.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { idIn, oneMessagePerEvent } from '../../helpers/one-message.js';
import { allText, SLACK_EXAMPLE, slackClient, type Call } from '../../helpers/fake-slack.js';

const TEAM = 'T0MUTES001';
const ADMIN = 'U0ADMIN01';
const SUBS = 'C0MUTESUB1';
const HOOKS = 'C0MUTEHOK1';
let slack: ReturnType<typeof slackClient>;
let status = 200;

const { svc, rx, fake } = useRig({
  fakeSlack: true,
  env: { SLACK_ADMIN_USERS: ADMIN },
  responder: (_req, _n, res) => {
    res.writeHead(status).end(`answered ${status}`);
  },
});

beforeAll(async () => {
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: SUBS, channelName: 'ops', user: ADMIN });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM, { user: ADMIN });
}, 60_000);

const flow = (id: string, chatflowId: string) => ({ event: 'flow_completed', id, chatflowId, output: `output of ${id}` });
const posted = (channel: string) => fake.of('chat.postMessage').filter((c) => c.body.channel === channel);
const statusOf = async (hook: string, eventId: string) =>
  ((await svc.api('GET', `/v1/webhooks/${hook}/deliveries?limit=100`)).body.data as Array<{ eventId: string; status: string; lastError: string | null }>).find((d) => d.eventId === eventId);
const settled = (hook: string, eventId: string, want: string) =>
  eventually(async () => (await statusOf(hook, eventId))?.status === want || undefined, { what: `${eventId} ${want}`, timeoutMs: 20_000 });
const buttons = (c: Call) => (c.body.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));

describe('/forjinn mute in a channel with a subscription', () => {
  let sub = '';

  beforeAll(async () => {
    sub = idIn((await slack.command('subscribe flow_completed')).text);
    await oneMessagePerEvent(svc, sub);
  });

  test('wrong input answers what was wrong and the usage; only admins may mute', async () => {
    const cases: Array<[string, string]> = [
      ['mute', 'which chatflow?'],
      ['mute cf-a', 'for how long?'],
      ['mute cf-a soon', '"soon" is not a duration'],
      ['mute cf-a 90', 'needs a unit'],
      ['mute cf-a 45d', 'at most 30d'],
      ['mute cf-a 1h extra', 'too many words'],
      ['unmute', 'which chatflow?'],
      ['mutes now', 'too many words'],
    ];
    for (const [text, says] of cases) {
      const res = await slack.command(text);
      expect([text, res.status, res.body.response_type]).toEqual([text, 200, 'ephemeral']);
      expect(res.text).toContain(says);
    }
    expect((await slack.command('mute cf-a 45d')).text).toContain('usage: `/forjinn mute <chatflow> <duration>`');
    expect((await slack.command('mute cf-a 1h', { user: 'U0NOTADMIN' })).text).toContain('only the admins named in SLACK_ADMIN_USERS');
    expect((await svc.api('GET', '/v1/mutes')).body.data).toEqual([]);
  });

  test('muted: its events are recorded as muted and not posted; another chatflow is posted', async () => {
    const res = await slack.command('mute cf-a 1h');
    expect(res.body.response_type).toBe('ephemeral');
    expect(res.text).toContain(`<@${ADMIN}> muted chatflow \`cf-a\` in #ops until`);
    expect(res.text).toContain('its 1 subscription here');
    const [m] = (await svc.api('GET', '/v1/mutes')).body.data;
    expect(m).toMatchObject({ chatflowId: 'cf-a', slackChannel: SUBS, webhookId: null, createdBy: `slack:${ADMIN}`, active: true });
    expect(new Date(m.until).getTime() - new Date(m.createdAt).getTime()).toBe(3_600_000);
    expect((await slack.command('mutes')).text).toContain('`cf-a` until');

    await svc.api('POST', '/v1/events', flow('ev-sub-muted', 'cf-a'));
    await svc.api('POST', '/v1/events', flow('ev-sub-other', 'cf-b'));
    await settled(sub, 'ev-sub-other', 'succeeded');
    expect((await statusOf(sub, 'ev-sub-muted'))!.status).toBe('muted');
    const texts = posted(SUBS).map((c) => JSON.stringify(c.body));
    expect(texts.filter((t) => t.includes('ev-sub-other'))).toHaveLength(1);
    expect(texts.filter((t) => t.includes('ev-sub-muted'))).toHaveLength(0);
  });

  test('/forjinn unmute lets the next event through; unmuting again says nothing was muted', async () => {
    expect((await slack.command('unmute cf-a', { user: 'U0NOTADMIN' })).text).toContain('only the admins');
    expect((await slack.command('unmute cf-a')).text).toContain(`<@${ADMIN}> unmuted chatflow \`cf-a\` in #ops`);
    expect((await slack.command('unmute cf-a')).text).toContain('is not muted in #ops');
    expect((await slack.command('mutes')).text).toContain('Nothing is muted in #ops');
    await svc.api('POST', '/v1/events', flow('ev-sub-unmuted', 'cf-a'));
    await settled(sub, 'ev-sub-unmuted', 'succeeded');
    expect(posted(SUBS).some((c) => JSON.stringify(c.body).includes('ev-sub-unmuted'))).toBe(true);
  });

  test('a mute of the channel that has ended holds no more', async () => {
    const ended = await svc.api('POST', '/v1/mutes', { chatflowId: 'cf-a', slackChannel: SUBS, until: new Date(Date.now() - 1000).toISOString() });
    expect(ended.body.active).toBe(false);
    await svc.api('POST', '/v1/events', flow('ev-sub-ended', 'cf-a'));
    await settled(sub, 'ev-sub-ended', 'succeeded');
  });
});

describe("the alert's Mute this chatflow 1h button", () => {
  let hook = '';
  let alert: Call;

  beforeAll(async () => {
    const added = await slack.command(`webhook add ${rx.url}/chat flow_completed --transformer slack`, { channel: HOOKS, channelName: 'hooks' });
    hook = idIn(added.text);
    await oneMessagePerEvent(svc, hook);
  });

  test('a failure alert about an event with a chatflow has the button', async () => {
    status = 500;
    await svc.api('POST', '/v1/events', flow('ev-btn-fail', 'cf-x'));
    alert = await eventually(() => posted(HOOKS)[0], { what: 'the failure alert', timeoutMs: 20_000 });
    expect(buttons(alert).map((b: any) => b.text.text)).toEqual(['Redeliver', 'View log', 'Mute this chatflow 1h']);
  });

  test('a non-admin click is refused; an admin click mutes the webhook for the chatflow and says so on the alert', async () => {
    await slack.click('forjinn_mute_chatflow', alert, { user: 'U0NOTADMIN' });
    expect(allText((await eventually(() => fake.responses.at(-1), { what: 'the refusal' })).body)).toContain('only the admins');
    expect((await svc.api('GET', '/v1/mutes')).body.data).toEqual([]);

    await slack.click('forjinn_mute_chatflow', alert);
    const update = await eventually(() => fake.of('chat.update')[0], { what: 'the alert update' });
    expect(allText(update.body)).toContain(`<@${ADMIN}> muted chatflow \`cf-x\` for this webhook until`);
    expect(buttons(update).map((b: any) => b.text.text)).toEqual(['Redeliver', 'View log']);
    const [m] = (await svc.api('GET', '/v1/mutes')).body.data;
    expect(m).toMatchObject({ chatflowId: 'cf-x', webhookId: hook, slackChannel: null, createdBy: `slack:${ADMIN}` });
    expect(new Date(m.until).getTime() - new Date(m.createdAt).getTime()).toBe(3_600_000);
  });

  test('muted: no request reaches the receiver for that chatflow; another chatflow is delivered; unmute in the channel ends it', async () => {
    status = 200;
    const before = rx.received.length;
    await svc.api('POST', '/v1/events', flow('ev-btn-muted', 'cf-x'));
    await svc.api('POST', '/v1/events', flow('ev-btn-other', 'cf-y'));
    await settled(hook, 'ev-btn-other', 'succeeded');
    const muted = await statusOf(hook, 'ev-btn-muted');
    expect(muted!.status).toBe('muted');
    expect(muted!.lastError).toMatch(/^muted until /);
    expect(rx.received.slice(before).map((r) => r.body.includes('ev-btn-other'))).toEqual([true]);
    expect((await svc.api('GET', `/v1/webhooks/${hook}`)).body.enabled).toBe(true);

    expect((await slack.command('mutes', { channel: HOOKS, channelName: 'hooks' })).text).toContain(`\`cf-x\` until`);
    expect((await slack.command('unmute cf-x', { channel: HOOKS, channelName: 'hooks' })).text).toContain('unmuted chatflow `cf-x`');
    await svc.api('POST', '/v1/events', flow('ev-btn-unmuted', 'cf-x'));
    await settled(hook, 'ev-btn-unmuted', 'succeeded');
    expect(rx.received.slice(before).map((r) => r.body.includes('ev-btn-unmuted'))).toEqual([false, true]);
  });
});
