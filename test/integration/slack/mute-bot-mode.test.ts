// The "Mute this chatflow 1h" button on a bot-mode Slack webhook's own messages (issue 14, item 5;
// docs/slack.md, "Mute a chatflow"): a Slack webhook with a channel posts as the Forjinn Slack app,
// so a click on its message reaches the app, whose one handler mutes that webhook for the event's
// chatflow for an hour and says so in the channel, as it does for the app's failure alerts. Real
// signed Slack requests and a fake Slack Web API; the next event of the chatflow is `muted` in the
// request log and never posted, another chatflow's is.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { sampleEvent } from '../../helpers/samples.js';
import { allText, SLACK_EXAMPLE, slackClient, type Call } from '../../helpers/fake-slack.js';

const TEAM = 'T0BOTMUTE1';
const ADMIN = 'U0BOTADMN1';
const CHANNEL = 'C0BOTMUTE1';
let slack: ReturnType<typeof slackClient>;
let hook = '';

const { svc, fake } = useRig({ fakeSlack: true, env: { SLACK_ADMIN_USERS: ADMIN } });

beforeAll(async () => {
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: CHANNEL, channelName: 'alerts', user: ADMIN });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM, { user: ADMIN });
  // Bot mode (a channel), one message per event so each event's message is its own.
  const res = await svc.api('POST', '/v1/webhooks', {
    url: `${fake.apiUrl}/chat.postMessage`,
    events: ['error_occurred'],
    transformer: 'slack',
    transformerConfig: { channel: CHANNEL, group: false },
  });
  expect([res.status, res.body.error]).toEqual([201, undefined]);
  hook = res.body.id;
}, 60_000);

const error = (id: string, chatflowId: string) => ({ ...sampleEvent('error_occurred'), id, chatflowId });
const messageOf = (eventId: string) => fake.of('chat.postMessage').find((c) => c.body.channel === CHANNEL && JSON.stringify(c.body).includes(eventId));
const buttons = (c: Call) => (c.body.blocks as any[]).flatMap((b) => (b.type === 'actions' ? b.elements : []));
const statusOf = async (eventId: string) =>
  ((await svc.api('GET', `/v1/webhooks/${hook}/deliveries?limit=100`)).body.data as Array<{ eventId: string; status: string; lastError: string | null }>).find((d) => d.eventId === eventId);

describe("a bot-mode Slack webhook's message about a chatflow", () => {
  let message: Call;

  test('carries the Mute this chatflow 1h button', async () => {
    expect((await svc.api('POST', '/v1/events', error('ev-bot-first', 'cf-bot'))).status).toBe(202);
    message = await eventually(() => messageOf('ev-bot-first'), { what: "the webhook's message", timeoutMs: 20_000 });
    expect(buttons(message).map((b: any) => [b.text.text, b.value])).toEqual([['Mute this chatflow 1h', `${hook} cf-bot`]]);
  });

  test('a click mutes the webhook for the chatflow, answered in the channel; its next event is muted and not posted, another chatflow is posted', async () => {
    await slack.click('forjinn_mute_chatflow', message);
    const update = await eventually(() => fake.of('chat.update').find((c) => c.body.channel === CHANNEL), { what: "the handler's answer on the message", timeoutMs: 20_000 });
    expect(update.body.ts).toBe(message.answer.ts);
    expect(allText(update.body)).toContain(`<@${ADMIN}> muted chatflow \`cf-bot\` for this webhook until`);
    expect(buttons(update)).toEqual([]);
    const [m] = (await svc.api('GET', '/v1/mutes')).body.data;
    expect(m).toMatchObject({ chatflowId: 'cf-bot', webhookId: hook, slackChannel: null, createdBy: `slack:${ADMIN}`, active: true });
    expect(new Date(m.until).getTime() - new Date(m.createdAt).getTime()).toBe(3_600_000);

    await svc.api('POST', '/v1/events', error('ev-bot-muted', 'cf-bot'));
    await svc.api('POST', '/v1/events', error('ev-bot-other', 'cf-other'));
    await eventually(async () => (await statusOf('ev-bot-other'))?.status === 'succeeded' || undefined, { what: 'the other chatflow delivered', timeoutMs: 20_000 });
    const muted = await eventually(async () => ((await statusOf('ev-bot-muted'))?.status === 'muted' ? statusOf('ev-bot-muted') : undefined), { what: 'the muted event recorded', timeoutMs: 20_000 });
    expect(muted!.lastError).toMatch(/^muted until /);
    expect(messageOf('ev-bot-other')).toBeDefined();
    expect(messageOf('ev-bot-muted')).toBeUndefined();
  });
});
