// Channel subscriptions: `/forjinn subscribe flow_completed` → POST /v1/events → the Slack Web
// API (a fake on 127.0.0.1) receives the Block Kit message for that channel, with the bot token.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { idIn, oneMessagePerEvent } from '../../helpers/one-message.js';
import { SLACK_EXAMPLE, slackClient, startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';

const TEAM = 'T0SUBSCRB1';
let svc: TestService;
let fake: FakeSlack;
let slack: ReturnType<typeof slackClient>;

beforeAll(async () => {
  fake = await startFakeSlack();
  svc = await startService({ SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret, SLACK_BOT_TOKEN: 'xoxb-subscribe-token', SLACK_API_URL: fake.apiUrl });
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: 'C0RUNS0001', channelName: 'runs', user: 'U0ALICE01' });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM);
}, 60_000);

afterAll(async () => {
  await svc?.close();
  await fake?.close();
});

const emit = (body: Record<string, unknown>) => svc.api('POST', '/v1/events', body);
const postsTo = (channel: string) => fake.of('chat.postMessage').filter((c) => c.body.channel === channel);

describe('/forjinn subscribe', () => {
  test('subscribe flow_completed, then an event: the channel gets the Block Kit message', async () => {
    const res = await slack.command('subscribe flow_completed');
    expect(res.text).toContain('Subscribed #runs to flow_completed');
    await oneMessagePerEvent(svc, idIn(res.text));
    const ev = await emit({ event: 'flow_completed', id: 'run-sub-1', chatflowId: 'cf-42', input: 'Summarise ticket 4211', output: 'Done' });
    expect(ev.status).toBe(202);
    expect(ev.body.deliveries).toBe(1);
    const [post] = await eventually(() => (postsTo('C0RUNS0001').length ? postsTo('C0RUNS0001') : undefined), { what: 'the channel message' });
    expect(post.headers.authorization).toBe('Bearer xoxb-subscribe-token');
    expect(post.headers['content-type']).toContain('application/json');
    expect(post.body.channel).toBe('C0RUNS0001');
    expect(post.body.blocks[0].type).toBe('header');
    expect(JSON.stringify(post.body.blocks)).toContain('run-sub-1');
    expect(typeof post.body.text).toBe('string');
    // The bot token is sent to Slack, and nowhere else: not in the log, not in the request log.
    expect(svc.logs.join('')).not.toContain('xoxb-subscribe-token');
    const hook = (await svc.api('GET', '/v1/webhooks')).body.data[0];
    const log = await svc.api('GET', `/v1/webhooks/${hook.id}/deliveries`);
    // Slack got the message before the service stored the answer: wait for that too.
    const delivery = await eventually(async () => {
      const d = await svc.api('GET', `/v1/deliveries/${log.body.data[0].id}`);
      return d.body.status === 'succeeded' ? d : undefined;
    }, { what: 'the stored result' });
    expect(JSON.stringify(delivery.body)).not.toContain('xoxb-subscribe-token');

    // Other event types are not posted to this channel.
    const other = await emit({ event: 'dataset_updated', id: 'ds-sub-1', datasetId: 'ds-1', change: 'rows_added' });
    expect(other.status).toBe(202);
    expect(other.body.deliveries).toBe(0);
  });

  test('subscribing again adds event types to the same subscription; subscriptions lists it', async () => {
    const before = (await svc.api('GET', '/v1/webhooks')).body.data.length;
    expect((await slack.command('subscribe error_occurred')).text).toContain('now gets flow_completed, error_occurred');
    expect((await svc.api('GET', '/v1/webhooks')).body.data.length).toBe(before);
    const list = await slack.command('subscriptions');
    expect(list.text).toContain('*Subscriptions of #runs* (1)');
    expect(list.text).toContain('flow_completed, error_occurred');
    expect(list.text).toContain('last: succeeded');
    const hooks = (await svc.api('GET', '/v1/webhooks')).body.data;
    const sub = hooks.find((h: any) => h.transformerConfig.channel === 'C0RUNS0001');
    expect(sub).toMatchObject({ transformer: 'slack', hasSecret: false, events: ['flow_completed', 'error_occurred'] });
  });

  test('--chatflow makes a separate subscription that only gets that chatflow', async () => {
    const res = await slack.command('subscribe flow_completed --chatflow cf-special', { channel: 'C0SPECIAL1', channelName: 'special' });
    expect(res.text).toContain('from chatflow cf-special');
    await oneMessagePerEvent(svc, idIn(res.text));
    await emit({ event: 'flow_completed', id: 'run-other-cf', chatflowId: 'cf-other' });
    await emit({ event: 'flow_completed', id: 'run-special-cf', chatflowId: 'cf-special' });
    await eventually(() => postsTo('C0SPECIAL1').length === 1 && postsTo('C0RUNS0001').length === 3, { what: 'both channels' });
    expect(JSON.stringify(postsTo('C0SPECIAL1')[0].body.blocks)).toContain('run-special-cf');
    expect((await slack.command('subscriptions', { channel: 'C0SPECIAL1' })).text).toContain('from chatflow cf-special');
  });

  test('a wrong event is refused with the usage; other channels see only their own subscriptions', async () => {
    const bad = await slack.command('subscribe flow_done');
    expect(bad.text).toContain('unknown event "flow_done"');
    expect(bad.text).toContain('usage: `/forjinn subscribe [event ...] [--chatflow ID]`');
    expect((await slack.command('subscriptions', { channel: 'C0EMPTY001', channelName: 'empty' })).text).toContain('#empty has no subscriptions');
  });

  test('unsubscribe one event, then all; the channel stops getting messages', async () => {
    expect((await slack.command('unsubscribe flow_completed')).text).toContain('now gets error_occurred');
    const posted = postsTo('C0RUNS0001').length;
    await emit({ event: 'flow_completed', id: 'run-after-unsub', chatflowId: 'cf-42' });
    await emit({ event: 'error_occurred', id: 'err-after-unsub', chatflowId: 'cf-42', error: { message: 'boom' } });
    await eventually(() => postsTo('C0RUNS0001').length === posted + 1, { what: 'the error message' });
    expect(JSON.stringify(postsTo('C0RUNS0001').at(-1)!.body.blocks)).toContain('err-after-unsub');

    const all = await slack.command('unsubscribe');
    expect(all.text).toContain('Unsubscribed #runs: removed');
    expect((await slack.command('subscriptions')).text).toContain('#runs has no subscriptions');
    expect((await emit({ event: 'error_occurred', id: 'err-after-all', chatflowId: 'cf-42', error: { message: 'x' } })).body.deliveries).toBe(0);
    expect((await slack.command('unsubscribe')).text).toContain('has no such subscription');
  });
});
