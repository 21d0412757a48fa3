// The Slack app behind the service's own HTTP server, driven by requests signed and
// form-encoded as Slack sends them: who is let in, linking, and every /forjinn webhook command.
import { beforeAll, describe, expect, test } from '@jest/globals';
import { ok as answerOk } from '../../helpers/receiver.js';
import { useRig } from '../../helpers/rig.js';
import { eventually } from '../../helpers/eventually.js';
import { mountedRoutes } from '../../helpers/routes.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { metricValue } from '../../helpers/metrics.js';
import { allText, SLACK_EXAMPLE, slackClient } from '../../helpers/fake-slack.js';

const TEAM = 'T0LINKED1';
const ADMIN = 'U0ADMIN01';
let slack: ReturnType<typeof slackClient>;

const { svc, rx: receiver, fake } = useRig({ fakeSlack: true, env: { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_ADMIN_USERS: `${ADMIN}, U0ADMIN02` } });

beforeAll(async () => {
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: 'C0CHANNEL1', channelName: 'alerts', user: ADMIN });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM, { user: ADMIN });
}, 60_000);

describe('requests from Slack', () => {
  test('a request signed with the signing secret is answered', async () => {
    const res = await slack.command('help');
    expect(res.status).toBe(200);
    expect(res.body.response_type).toBe('ephemeral');
    expect(res.text).toContain('/forjinn webhook add <url>');
  });

  test('a bad signature is refused with 401 and nothing is answered', async () => {
    const res = await slack.command('webhook list', {}, { signature: `v0=${'0'.repeat(64)}` });
    expect(res.status).toBe(401);
    const wrongSecret = slackClient(svc.url, 'not-the-signing-secret', fake, { team: TEAM, channel: 'C0CHANNEL1', channelName: 'alerts', user: ADMIN });
    expect((await wrongSecret.command('help')).status).toBe(401);
  });

  test('a timestamp over 5 minutes old is refused; one inside the window is not', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await slack.command('help', {}, { timestamp: now - 5 * 60 - 10 })).status).toBe(401);
    expect((await slack.command('help', {}, { timestamp: now - 4 * 60 })).status).toBe(200);
  });

  test("Slack's own example request, correctly signed but years old, cannot be replayed", async () => {
    const res = await slack.post(SLACK_EXAMPLE.body, { timestamp: Number(SLACK_EXAMPLE.timestamp), signature: SLACK_EXAMPLE.signature });
    expect(res.status).toBe(401);
  });

  test('a command from an unlinked team says how to link it and changes nothing', async () => {
    const before = (await svc.api('GET', '/v1/webhooks')).body.data.length;
    const res = await slack.command('webhook add https://example.com/unlinked', { team: 'T0STRANGER' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('not linked');
    expect(res.text).toContain('forjinn-webhooks slack link --team T0STRANGER --workspace');
    expect((await svc.api('GET', '/v1/webhooks')).body.data.length).toBe(before);
  });
});

describe('links through the web API', () => {
  test('list, a link by code from another workspace, unlink; a team id alone links nothing', async () => {
    expect((await svc.api('POST', '/v1/slack/links', { team: TEAM })).status).toBe(403);
    const other = await svc.newWorkspaceKey('other-team');
    expect((await svc.api('POST', '/v1/slack/links', { team: 'T0SECOND1' }, other)).status).toBe(403);
    expect((await svc.api('GET', '/v1/slack/links', undefined, other)).body.data).toEqual([]);

    await linkSlackTeam(svc, SLACK_EXAMPLE.secret, 'T0SECOND1', { key: other, user: ADMIN });
    expect((await svc.api('GET', '/v1/slack/links', undefined, other)).body.data).toEqual([
      expect.objectContaining({ team: 'T0SECOND1', workspace: 'other-team', linkedBy: `slack:${ADMIN}` }),
    ]);
    expect((await svc.api('GET', '/v1/slack/links')).body.data.map((l: any) => l.team)).toEqual([TEAM]);
    expect((await slack.command('help', { team: 'T0SECOND1' })).text).toContain('*other-team*');
    expect((await svc.api('DELETE', '/v1/slack/links/T0SECOND1')).status).toBe(404); // not this workspace's
    expect((await svc.api('DELETE', '/v1/slack/links/nope')).body.error.field).toBe('team');
    expect((await svc.api('DELETE', '/v1/slack/links/T0SECOND1', undefined, other)).status).toBe(204);
    expect((await slack.command('webhook list', { team: 'T0SECOND1' })).text).toContain('not linked');
  });

  test('every route the Slack app mounts is in the OpenAPI document', async () => {
    const doc = await (await fetch(`${svc.url}/openapi.json`)).json();
    const routes = mountedRoutes(svc.rt);
    expect(routes).toEqual(expect.arrayContaining([['post', '/slack/events'], ['post', '/v1/slack/link-codes'], ['post', '/v1/slack/links']]));
    expect(routes.filter(([m, p]) => !doc.paths[p]?.[m])).toEqual([]);
  });
});

describe('/forjinn webhook …', () => {
  let id = '';
  let secret = '';

  test('add creates the webhook and shows its id and secret to the caller only', async () => {
    const res = await slack.command(`webhook add ${receiver.url}/hooks/slack-made flow_completed error_occurred --chatflow cf-1`);
    expect(res.status).toBe(200);
    expect(res.body.response_type).toBe('ephemeral');
    id = /`([0-9a-f-]{36})`/.exec(res.text)![1];
    secret = /`(whsec_[A-Za-z0-9+/=]+)`/.exec(res.text)![1];
    const got = await svc.api('GET', `/v1/webhooks/${id}`);
    expect(got.body).toMatchObject({ url: `${receiver.url}/hooks/slack-made`, events: ['flow_completed', 'error_occurred'], enabled: true, hasSecret: true });
    expect(got.body.filters).toEqual({ chatflowIds: ['cf-1'] });
    expect(got.body.description).toContain('added from Slack');
    expect(svc.logs.join('')).not.toContain(secret);
  });

  test('add with a given secret and transformer goes through the same validation as the API', async () => {
    const ok = await slack.command(`webhook add <${receiver.url}/hooks/two> --secret "a-slack-given-secret-123"`);
    expect(ok.text).toContain('a-slack-given-secret-123');
    const badUrl = await slack.command('webhook add ftp://example.com/x');
    expect(badUrl.text).toContain('url: must be an http or https URL');
    expect(badUrl.text).toContain('usage: `/forjinn webhook add <url>');
    const badEvent = await slack.command('webhook add https://example.com/x flow_finished');
    expect(badEvent.text).toContain('events.0: must be one of');
    const badTransformer = await slack.command('webhook add https://example.com/x --transformer fax');
    expect(badTransformer.text).toContain('transformer: unknown transformer');
    const noUrl = await slack.command('webhook add');
    expect(noUrl.text).toContain('missing the URL');
    const badFlag = await slack.command('webhook add https://example.com/x --colour red');
    expect(badFlag.text).toContain("Unknown option '--colour'");
    for (const r of [badUrl, badEvent, badTransformer, noUrl, badFlag]) expect(r.text).not.toMatch(/\n\s+at /);
  });

  test('test sends a sample now and answers the receiver status and time through the response_url; /metrics counts it', async () => {
    const before = receiver.received.length;
    const success = { outcome: 'success', transformer: 'generic' };
    const counted = await metricValue(svc.url, 'forjinn_attempts_total', success);
    // The receiver holds the test delivery until the command has been answered: Slack wants its
    // answer within 3 s, so the command must not wait for the delivery. One that did would wait
    // for a receiver that answers only after it, and its result would be no HTTP 200.
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    receiver.respond((req, n, reply) => held.then(() => answerOk(req, n, reply)));
    let res: Awaited<ReturnType<typeof slack.command>>;
    try {
      res = await slack.command(`webhook test ${id.slice(0, 8)}`);
      expect(res.text).toContain('Sending a test event');
      expect(fake.responses.filter((r) => r.method === new URL(res.responseUrl).pathname)).toEqual([]);
    } finally {
      release();
      receiver.respond(answerOk);
    }
    const answer = await eventually(() => fake.responses.find((r) => r.method === new URL(res.responseUrl).pathname), { what: 'the test result' });
    expect(answer.body.response_type).toBe('ephemeral');
    expect(allText(answer.body)).toMatch(/Test delivery to `[0-9a-f-]{36}`: HTTP 200 in \d+ ms/);
    expect(receiver.received.length).toBe(before + 1);
    expect(JSON.parse(receiver.received[before].body)).toMatchObject({ event: 'flow_completed', test: true });
    // One engine per process: an attempt started from Slack is in the registry /metrics serves.
    expect(await metricValue(svc.url, 'forjinn_attempts_total', success)).toBe(counted + 1);
  });

  test('list shows id, the URL with its path masked, events, state and the last delivery', async () => {
    const res = await slack.command('webhook list');
    expect(res.text).toContain(id);
    expect(res.text).toContain('flow_completed, error_occurred');
    expect(res.text).not.toContain('/hooks/slack-made');
    expect(res.text).toContain(`${receiver.url}/hoo…`);
    expect(res.text).toMatch(/enabled · last: succeeded \(HTTP 200\)/);
  });

  test('disable, enable and remove act on the webhook; an unknown id is not found', async () => {
    expect((await slack.command(`webhook disable ${id}`)).text).toContain('Disabled webhook');
    expect((await svc.api('GET', `/v1/webhooks/${id}`)).body.enabled).toBe(false);
    expect((await slack.command('webhook list')).text).toContain(':red_circle: disabled');
    expect((await slack.command(`webhook enable ${id}`)).text).toContain('Enabled webhook');
    expect((await svc.api('GET', `/v1/webhooks/${id}`)).body.enabled).toBe(true);
    expect((await slack.command(`webhook remove ${id}`)).text).toContain('Removed webhook');
    expect((await svc.api('GET', `/v1/webhooks/${id}`)).status).toBe(404);
    expect((await slack.command(`webhook remove ${id}`)).text).toContain('webhook not found');
    expect((await slack.command('webhook enable')).text).toContain('missing the webhook id');
  });

  test('only SLACK_ADMIN_USERS change webhooks; everyone may list', async () => {
    const denied = await slack.command('webhook add https://example.com/by-guest', { user: 'U0GUEST01' });
    expect(denied.text).toContain('only the admins named in SLACK_ADMIN_USERS');
    expect((await slack.command('subscribe', { user: 'U0GUEST01' })).text).toContain('only the admins');
    expect((await slack.command('webhook list', { user: 'U0GUEST01' })).text).toContain('Webhooks of default');
    expect((await slack.command('webhook list', { user: 'U0ADMIN02' })).status).toBe(200);
  });

  test('a wrong command answers its usage, never a stack trace', async () => {
    const unknown = await slack.command('frobnicate now');
    expect(unknown.text).toContain('unknown command "frobnicate"');
    expect(unknown.text).toContain('/forjinn subscribe [event ...]');
    const sub = await slack.command('webhook frob');
    expect(sub.text).toContain('unknown webhook command "frob"');
    expect(sub.text).toContain('/forjinn webhook add|list|remove|enable|disable|test');
    expect((await slack.command('webhook')).text).toContain('which webhook command?');
    expect((await slack.command('webhook remove --help')).text).toContain('usage: `/forjinn webhook remove <id>`');
    expect((await slack.command('')).text).toContain('/forjinn subscriptions');
  });
});
