// The owner is told when FORJINN_DISABLE_AFTER_FAILURES disables a webhook: a webhook added from
// Slack gets the "Webhook disabled" alert in its channel, with the reason the API shows, when its
// N-th delivery in a row fails for good (before that, the failure alert).
import { beforeAll, describe, expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { allText, SLACK_EXAMPLE, slackClient } from '../../helpers/fake-slack.js';

const TEAM = 'T0STREAK01';
const CHANNEL = 'C0STREAK01';
const THRESHOLD = 2;
let webhookId = '';

const { svc, rx: receiver, fake } = useRig({
  fakeSlack: true,
  env: { SLACK_BOT_TOKEN: 'xoxb-streak-token', FORJINN_DISABLE_AFTER_FAILURES: String(THRESHOLD) },
  responder: (_req, _n, res) => res.writeHead(500).end('down'),
});

beforeAll(async () => {
  const slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: CHANNEL, channelName: 'ops', user: 'U0DAVE0001' });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM);
  const added = await slack.command(`webhook add ${receiver.url}/streak flow_completed`);
  webhookId = /`([0-9a-f-]{36})`/.exec(added.text)![1];
  // One attempt per delivery: each event is one delivery that fails for good.
  expect((await svc.api('PATCH', `/v1/webhooks/${webhookId}`, { maxAttempts: 1 })).status).toBe(200);
}, 60_000);

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
