// Alerts for webhooks made from Slack: a delivery that fails for good, and a webhook the
// service disables, post to the creator's channel with buttons; the buttons work through the
// same services as the API and update the alert with the outcome.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';
import { sampleEvent } from '../../helpers/samples.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { allText, SLACK_EXAMPLE, slackClient, type Call } from '../../helpers/fake-slack.js';

const TEAM = 'T0ALERTS01';
const CHANNEL = 'C0OPS00001';
const PUBLIC_URL = 'https://webhooks.example.com';
let slack: ReturnType<typeof slackClient>;
let webhookId = '';
let status = 500;

const { svc, rx: receiver, fake } = useRig({
  fakeSlack: true,
  env: { SLACK_BOT_TOKEN: 'xoxb-alerts-token', FORJINN_PUBLIC_URL: PUBLIC_URL },
  responder: (_req, _n, res) => {
    res.writeHead(status).end(`answered ${status}`);
  },
});

beforeAll(async () => {
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: CHANNEL, channelName: 'ops', user: 'U0BOB0001' });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM);
  const added = await slack.command(`webhook add ${receiver.url}/flaky flow_completed`);
  webhookId = /`([0-9a-f-]{36})`/.exec(added.text)![1];
}, 60_000);

const alerts = () => fake.of('chat.postMessage').filter((c) => c.body.channel === CHANNEL);
const updates = () => fake.of('chat.update');
const buttons = (c: Call) => (c.body.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));

describe('alerts with buttons', () => {
  let failedAlert: Call;
  let deliveryId = '';

  test('a delivery that exhausts its retries posts to the channel the webhook was added in', async () => {
    const ev = await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'run-alert-1', chatflowId: 'cf-1' });
    expect(ev.body.deliveries).toBe(1);
    failedAlert = await eventually(() => alerts()[0], { what: 'the failure alert', timeoutMs: 20_000 });
    expect(failedAlert.headers.authorization).toBe('Bearer xoxb-alerts-token');
    const text = allText(failedAlert.body);
    expect(text).toContain('A delivery failed for good');
    expect(text).toContain(webhookId);
    expect(text).toContain('HTTP 500');
    expect(text).toContain('6 attempts');
    expect(text).toContain('Added from Slack by <@U0BOB0001>');
    expect(buttons(failedAlert).map((b: any) => b.text.text)).toEqual(['Redeliver', 'View log']);
    expect(buttons(failedAlert)[1].url).toBe(`${PUBLIC_URL}/#/webhooks/${webhookId}/log`);
    deliveryId = /delivery `([0-9a-f-]{36})`/.exec(text)![1];
    expect((await svc.api('GET', `/v1/deliveries/${deliveryId}`)).body.status).toBe('failed');
  });

  test('while the receiver stays down, the next failure within 10 minutes posts no second alert', async () => {
    await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'run-alert-quiet', chatflowId: 'cf-1' });
    await eventually(
      async () => (await svc.api('GET', `/v1/webhooks/${webhookId}/deliveries?status=failed`)).body.data.length === 2,
      { what: 'the second failure', timeoutMs: 20_000 },
    );
    // A later failure of another webhook made from Slack, in the same channel, goes through the
    // same alerting after this one: once its alert is posted, a second alert for the quiet
    // webhook would have been posted before it.
    const marker = await slack.command(`webhook add ${receiver.url}/marker error_occurred`);
    const markerId = /`([0-9a-f-]{36})`/.exec(marker.text)![1];
    expect((await svc.api('POST', '/v1/events', { ...sampleEvent('error_occurred'), id: 'run-alert-marker' })).body.deliveries).toBe(1);
    await eventually(() => alerts().some((a) => allText(a.body).includes(markerId)), { what: "the other webhook's alert", timeoutMs: 20_000 });
    expect(alerts().map((a) => allText(a.body).includes(markerId))).toEqual([false, true]);
    // Out of the way of the tests below, which count this channel's alerts.
    expect((await svc.api('DELETE', `/v1/webhooks/${markerId}`)).status).toBe(204);
  });

  test('Redeliver sends it again and updates the alert with who did it', async () => {
    status = 200;
    const before = receiver.received.length;
    const click = await slack.click('forjinn_redeliver', failedAlert, { user: 'U0CAROL01' });
    expect(click.status).toBe(200);
    const update = await eventually(() => updates()[0], { what: 'the alert update' });
    expect(update.body).toMatchObject({ channel: CHANNEL, ts: failedAlert.answer.ts });
    expect(allText(update.body)).toContain('<@U0CAROL01> asked for a redelivery');
    expect(buttons(update).map((b: any) => b.text.text)).toEqual(['View log']);
    await eventually(async () => (await svc.api('GET', `/v1/deliveries/${deliveryId}`)).body.status === 'succeeded', { what: 'the redelivery' });
    expect(receiver.received.length).toBe(before + 1);
    expect(receiver.received[before].headers['x-forjinn-delivery']).toBe(deliveryId);
  });

  test('a disabled webhook posts one alert with Re-enable, which turns it back on', async () => {
    status = 410;
    const posted = alerts().length;
    await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'run-alert-2', chatflowId: 'cf-1' });
    const disabled = await eventually(() => alerts()[posted], { what: 'the disabled alert' });
    const text = allText(disabled.body);
    expect(text).toContain('Webhook disabled');
    expect(text).toContain('410 Gone');
    expect(buttons(disabled).map((b: any) => b.text.text)).toEqual(['Re-enable', 'View log']);
    expect((await svc.api('GET', `/v1/webhooks/${webhookId}`)).body.enabled).toBe(false);

    status = 200;
    const updated = updates().length;
    await slack.click('forjinn_reenable', disabled);
    const update = await eventually(() => updates()[updated], { what: 'the alert update' });
    expect(allText(update.body)).toContain('<@U0BOB0001> re-enabled the webhook');
    expect((await svc.api('GET', `/v1/webhooks/${webhookId}`)).body.enabled).toBe(true);
    // The failed delivery of the disabling event was covered by this one alert, not a second.
    expect(alerts().length).toBe(posted + 1);
  });

  test('a click from a team not linked to the workspace is refused and changes nothing', async () => {
    const disabledAlert = alerts().at(-1)!;
    await svc.api('PATCH', `/v1/webhooks/${webhookId}`, { enabled: false });
    const updated = updates().length;
    await slack.click('forjinn_reenable', disabledAlert, { team: 'T0INTRUDER' });
    const answer = await eventually(() => fake.responses.at(-1), { what: 'the ephemeral answer' });
    expect(allText(answer.body)).toContain('not linked');
    expect(updates().length).toBe(updated);
    expect((await svc.api('GET', `/v1/webhooks/${webhookId}`)).body.enabled).toBe(false);
  });

  test('Re-enable that fails says why on the alert and keeps the button', async () => {
    const disabledAlert = alerts().at(-1)!;
    await svc.api('DELETE', `/v1/webhooks/${webhookId}`);
    const updated = updates().length;
    await slack.click('forjinn_reenable', disabledAlert);
    const update = await eventually(() => updates()[updated], { what: 'the alert update' });
    expect(allText(update.body)).toContain('tried, but: webhook not found');
    expect(buttons(update).map((b: any) => b.text.text)).toEqual(['Re-enable', 'View log']);
  });

  test('View log without a page address answers with the last deliveries', async () => {
    const other = await slack.command(`webhook add ${receiver.url}/logged flow_completed`);
    const id = /`([0-9a-f-]{36})`/.exec(other.text)![1];
    await svc.api('POST', '/v1/events', { event: 'flow_completed', id: 'run-log-1', chatflowId: 'cf-1' });
    await eventually(async () => (await svc.api('GET', `/v1/webhooks/${id}/deliveries`)).body.data[0]?.status === 'succeeded');
    const message: Call = {
      method: 'chat.postMessage',
      headers: {},
      body: { channel: CHANNEL, text: 'alert', blocks: [{ type: 'actions', block_id: 'forjinn_alert_actions', elements: [{ type: 'button', action_id: 'forjinn_view_log', text: { type: 'plain_text', text: 'View log' }, value: id }] }] },
      answer: { ts: '1700000000.000100' },
    };
    const seen = fake.responses.length;
    await slack.click('forjinn_view_log', message);
    const answer = await eventually(() => fake.responses[seen], { what: 'the log answer' });
    expect(answer.body.response_type).toBe('ephemeral');
    expect(allText(answer.body)).toMatch(/flow_completed · succeeded \(HTTP 200\) · 1 attempt\b/);
  });
});
