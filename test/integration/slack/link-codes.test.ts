// Linking a Slack team needs proof from that team: an API key can no longer name any team id
// and take it. The key asks for a one-time code; `/forjinn link <code>`, signed by Slack,
// links exactly the team that ran it. Codes are single use, expire, and are stored hashed.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { linkCode } from '../../helpers/slack-link.js';
import { SLACK_EXAMPLE, slackClient, startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';

const ADMIN = 'U0LINKADM1';
const TEAM_A = 'T0LINKAAA1';
const TEAM_B = 'T0LINKBBB1';
let svc: TestService;
let fake: FakeSlack;
let slack: ReturnType<typeof slackClient>;

beforeAll(async () => {
  fake = await startFakeSlack();
  svc = await startService({
    SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret,
    SLACK_BOT_TOKEN: 'xoxb-link-codes',
    SLACK_API_URL: fake.apiUrl,
    SLACK_ADMIN_USERS: ADMIN,
  });
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM_A, channel: 'C0LINKING1', channelName: 'linking', user: ADMIN });
}, 60_000);

afterAll(async () => {
  await svc?.close();
  await fake?.close();
});

const teams = async (key = svc.key) => (await svc.api('GET', '/v1/slack/links', undefined, key)).body.data.map((l: { team: string }) => l.team);

describe('POST /v1/slack/links with a team id', () => {
  test('does not link a team the key has no proof of, and says how to link', async () => {
    const res = await svc.api('POST', '/v1/slack/links', { team: 'T0FOREIGN1' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('/v1/slack/link-codes') });
    expect(res.body.error.message).toContain('/forjinn link');
    expect(await teams()).toEqual([]);
    expect((await slack.command('webhook list', { team: 'T0FOREIGN1' })).text).toContain('not linked');
  });
});

describe('/forjinn link <code>', () => {
  test('a code from the API links exactly the team that ran the command, once', async () => {
    const created = await svc.api('POST', '/v1/slack/link-codes', {});
    expect(created.status).toBe(201);
    const { code, expiresAt, command } = created.body;
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(command).toBe(`/forjinn link ${code}`);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000 + 2_000);

    // Stored hashed: the code itself is nowhere in the table, nor in the log.
    const { rows } = await svc.rt.ctx.db.pool.query('select * from slack_link_codes');
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(code.replace(/-/g, ''));
    expect(JSON.stringify(rows)).not.toContain(code);

    const linked = await slack.command(`link ${code.toLowerCase()}`);
    expect(linked.status).toBe(200);
    expect(linked.text).toContain(`Linked this Slack workspace (${TEAM_A}) to the Forjinn workspace *default*`);
    expect(await teams()).toEqual([TEAM_A]);
    expect((await svc.api('GET', '/v1/slack/links')).body.data[0]).toMatchObject({ team: TEAM_A, linkedBy: `slack:${ADMIN}` });
    expect((await slack.command('help')).text).toContain('*default*');

    // Used: the same code from another team links nothing.
    const reused = await slack.command(`link ${code}`, { team: TEAM_B });
    expect(reused.text).toContain('not a valid link code');
    expect(await teams()).toEqual([TEAM_A]);
    expect((await slack.command('webhook list', { team: TEAM_B })).text).toContain('not linked');
    expect(svc.logs.join('')).not.toContain(code);
  });

  test('an expired code links nothing', async () => {
    const code = await linkCode(svc);
    // Ten minutes later, without waiting them.
    await svc.rt.ctx.db.pool.query(`update slack_link_codes set expires_at = now() - interval '1 second'`);
    const res = await slack.command(`link ${code}`, { team: TEAM_B });
    expect(res.text).toContain('not a valid link code');
    expect(await teams()).toEqual([TEAM_A]);
    // And expired codes are pruned when the next one is made.
    await linkCode(svc);
    expect((await svc.rt.ctx.db.pool.query('select 1 from slack_link_codes where expires_at <= now()')).rowCount).toBe(0);
  });

  test('only SLACK_ADMIN_USERS may link; a refused attempt does not use up the code', async () => {
    const code = await linkCode(svc);
    const guest = await slack.command(`link ${code}`, { team: TEAM_B, user: 'U0GUEST001' });
    expect(guest.text).toContain('only the admins named in SLACK_ADMIN_USERS');
    expect(await teams()).toEqual([TEAM_A]);
    expect((await slack.command(`link ${code}`, { team: TEAM_B })).text).toContain('Linked this Slack workspace');
    expect(await teams()).toEqual([TEAM_A, TEAM_B]);
    expect((await svc.api('DELETE', `/v1/slack/links/${TEAM_B}`)).status).toBe(204);
  });

  test("another workspace's code cannot take a linked team; after unlinking it can", async () => {
    const other = await svc.newWorkspaceKey('other-links');
    const code = await linkCode(svc, other);
    const taken = await slack.command(`link ${code}`);
    expect(taken.text).toContain('already linked to the Forjinn workspace *default*');
    expect(await teams()).toEqual([TEAM_A]);
    expect(await teams(other)).toEqual([]);

    expect((await svc.api('DELETE', `/v1/slack/links/${TEAM_A}`)).status).toBe(204);
    expect((await slack.command(`link ${code}`)).text).toContain('to the Forjinn workspace *other-links*');
    expect(await teams(other)).toEqual([TEAM_A]);
    expect(await teams()).toEqual([]);
    // Linking again with a code of the same workspace says so and changes nothing.
    expect((await slack.command(`link ${await linkCode(svc, other)}`)).text).toContain('already linked to *other-links*');
  });

  test('a wrong or missing code answers what to do', async () => {
    expect((await slack.command('link ABCD-EFGH-JKMN-PQRS', { team: TEAM_B })).text).toContain('not a valid link code');
    expect((await slack.command('link not-a-code', { team: TEAM_B })).text).toContain('not a valid link code');
    const missing = await slack.command('link', { team: TEAM_B });
    expect(missing.text).toContain('missing the code');
    expect(missing.text).toContain('POST /v1/slack/link-codes');
    expect(await teams()).toEqual([]);
  });

  test('a workspace keeps at most 5 live codes: the oldest go first', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await linkCode(svc));
    const live = await svc.rt.ctx.db.pool.query(`select 1 from slack_link_codes c join workspaces w on w.id = c.workspace_id where w.name = 'default'`);
    expect(live.rowCount).toBe(5);
    expect((await slack.command(`link ${codes[0]}`, { team: TEAM_B })).text).toContain('not a valid link code');
    expect((await slack.command(`link ${codes[5]}`, { team: TEAM_B })).text).toContain('Linked this Slack workspace');
  });

  test('help and an unlinked team name the code flow', async () => {
    expect((await slack.command('help', { team: 'T0UNLINKED' })).text).toContain('/forjinn link <code>');
    const unlinked = await slack.command('webhook list', { team: 'T0UNLINKED' });
    expect(unlinked.text).toContain('POST /v1/slack/link-codes');
    expect(unlinked.text).toContain('forjinn-webhooks slack link-code --workspace');
  });
});
