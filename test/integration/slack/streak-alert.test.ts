// The owner is told when FORJINN_DISABLE_AFTER_FAILURES disables a webhook: a webhook added from
// Slack gets the "Webhook disabled" alert in its channel, with the reason the API shows, when its
// N-th delivery in a row fails for good (before that, the failure alert).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { allText, SLACK_EXAMPLE, slackClient, startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';

const TEAM = 'T0STREAK01';
const CHANNEL = 'C0STREAK01';
const THRESHOLD = 2;
let svc: TestService;
let fake: FakeSlack;
let receiver: Receiver;
let webhookId = '';

beforeAll(async () => {
  fake = await startFakeSlack();
  receiver = await startReceiver((_req, _n, res) => res.writeHead(500).end('down'));
  svc = await startService({
    SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret,
    SLACK_BOT_TOKEN: 'xoxb-streak-token',
    SLACK_API_URL: fake.apiUrl,
    FORJINN_DISABLE_AFTER_FAILURES: String(THRESHOLD),
  });
  const slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: CHANNEL, channelName: 'ops', user: 'U0DAVE0001' });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM);
  const added = await slack.command(`webhook add ${receiver.url}/streak flow_completed`);
  webhookId = /`([0-9a-f-]{36})`/.exec(added.text)![1];
  // One attempt per delivery: each event is one delivery that fails for good.
  expect((await svc.api('PATCH', `/v1/webhooks/${webhookId}`, { maxAttempts: 1 })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  await svc?.close();
  await fake?.close();
  await receiver?.close();
});

const alerts = () => fake.of('chat.postMessage').filter((c) => c.body.channel === CHANNEL);

async function failOnce(n: number) {
  const ev = await svc.api('POST', '/v1/events', { event: 'flow_completed', id: `streak-${n}`, chatflowId: 'cf-streak' });
  expect(ev.body.deliveries).toBe(1);
  await eventually(async () => (await svc.api('GET', `/v1/webhooks/${webhookId}/deliveries?status=failed`)).body.data.length === n, { what: `failure ${n}` });
}

describe('auto-disable, told in Slack', () => {
  test(`a failure before the threshold posts the failure alert; failure ${THRESHOLD} in a row disables the webhook and posts why`, async () => {
    for (let n = 1; n < THRESHOLD; n++) await failOnce(n);
    // Disabled already, the webhook would get the disabled alert instead of this one.
    const first = await eventually(() => alerts()[0], { what: 'the failure alert' });
    expect(allText(first.body)).toContain('A delivery failed for good');
    expect((await svc.api('GET', `/v1/webhooks/${webhookId}`)).body.enabled).toBe(true);

    await failOnce(THRESHOLD);
    const reason = `disabled after ${THRESHOLD} failed deliveries in a row`;
    expect((await svc.api('GET', `/v1/webhooks/${webhookId}`)).body).toMatchObject({ enabled: false, disabledReason: reason });
    const disabled = await eventually(() => alerts().find((c) => allText(c.body).includes('Webhook disabled')), { what: 'the disabled alert' });
    const text = allText(disabled.body);
    expect(text).toContain(reason);
    expect(text).toContain(webhookId);
    expect(text).toContain('Added from Slack by <@U0DAVE0001>');
  });
});
