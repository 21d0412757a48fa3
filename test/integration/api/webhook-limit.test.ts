// FORJINN_MAX_WEBHOOKS_PER_WORKSPACE, here 5: creates past it are refused with 409
// limit_exceeded naming the limit, whichever door they come through (the API, Slack's
// `/forjinn webhook add`), and a burst of concurrent creates at the limit cannot pass it together.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { SLACK_EXAMPLE, slackClient, startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';

const LIMIT = 5;
const TEAM = 'T0LIMITS1';
let svc: TestService;
let fake: FakeSlack;
let workspaceId: string;

beforeAll(async () => {
  fake = await startFakeSlack();
  svc = await startService(
    { FORJINN_MAX_WEBHOOKS_PER_WORKSPACE: String(LIMIT), SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret, SLACK_BOT_TOKEN: 'xoxb-limit-test', SLACK_API_URL: fake.apiUrl },
    { api: true, worker: false },
  );
  workspaceId = (await svc.rt.ctx.db.pool.query<{ id: string }>('select workspace_id as id from api_keys limit 1')).rows[0].id;
  // The team is linked in the table itself: how a link is proven is another test's subject.
  await svc.rt.ctx.db.pool.query(`insert into slack_links (team_id, workspace_id, linked_by) values ($1, $2, 'test')`, [TEAM, workspaceId]);
}, 60_000);
afterAll(async () => {
  await svc?.close();
  await fake?.close();
});

const create = (n: number | string, key?: string) => svc.api('POST', '/v1/webhooks', { url: `http://127.0.0.1:9/limit-${n}`, events: ['*'] }, key);
const live = async (id = workspaceId) =>
  (await svc.rt.ctx.db.pool.query<{ n: number }>('select count(*)::int as n from webhooks where workspace_id = $1 and deleted_at is null', [id])).rows[0].n;

test('a burst of creates at the limit: exactly as many as fit are created, the rest get 409 naming the limit', async () => {
  for (let i = 0; i < LIMIT - 2; i++) expect((await create(i)).status).toBe(201);
  const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => create(`burst-${i}`)));
  expect(burst.filter((r) => r.status === 201)).toHaveLength(2);
  const refused = burst.filter((r) => r.status !== 201);
  expect(refused).toHaveLength(10);
  for (const r of refused) {
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('limit_exceeded');
    expect(r.body.error.message).toContain(`FORJINN_MAX_WEBHOOKS_PER_WORKSPACE=${LIMIT}`);
  }
  expect(await live()).toBe(LIMIT);
});

test('the limit is per workspace, and a deleted webhook makes room again', async () => {
  const other = await svc.newWorkspaceKey('limits-other');
  expect((await create('other', other)).status).toBe(201);
  expect((await create('one-more')).status).toBe(409);
  const [first] = (await svc.api('GET', '/v1/webhooks')).body.data;
  expect((await svc.api('DELETE', `/v1/webhooks/${first.id}`)).status).toBe(204);
  expect((await create('after-delete')).status).toBe(201);
  expect((await create('and-again')).status).toBe(409);
  expect(await live()).toBe(LIMIT);
});

test('Slack: /forjinn webhook add at the limit is refused with the same message, and creates nothing', async () => {
  const slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: 'C0LIMITS1', channelName: 'limits', user: 'U0LIMITS1' });
  const res = await slack.command('webhook add http://127.0.0.1:9/from-slack');
  expect(res.status).toBe(200);
  expect(res.text).toContain(`FORJINN_MAX_WEBHOOKS_PER_WORKSPACE=${LIMIT}`);
  expect(res.text).not.toContain('Webhook added');
  expect(await live()).toBe(LIMIT);
  // With room, the same command creates one: the refusal above was the limit, not the command.
  const [first] = (await svc.api('GET', '/v1/webhooks')).body.data;
  await svc.api('DELETE', `/v1/webhooks/${first.id}`);
  expect((await slack.command('webhook add http://127.0.0.1:9/from-slack')).text).toContain('Webhook added');
  expect(await live()).toBe(LIMIT);
});
