// Two api processes on one PostgreSQL: a captured signed request replayed to the other process
// is refused too, because what was seen is in the database, not in one process's memory.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';
import { useRig } from '../../helpers/rig.js';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { SLACK_EXAMPLE, slackClient, slackSignature } from '../../helpers/fake-slack.js';

const TEAM = 'T0TWOAPIS1';
const who = { team: TEAM, channel: 'C0TWOAPIS1', channelName: 'two', user: 'U0TWOAPIS1' };
let second: TestService;

// The second closes first, keeping the schema the first one drops.
afterAll(async () => {
  await second?.close({ keepData: true });
});
const { svc: first, rx: receiver, fake } = useRig({ fakeSlack: true, env: { SLACK_BOT_TOKEN: 'xoxb-two-apis' } });

beforeAll(async () => {
  const slack = { SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret, SLACK_BOT_TOKEN: 'xoxb-two-apis', SLACK_API_URL: fake.apiUrl };
  // The same database and schema (and master key) as the first: a second api process.
  const { DATABASE_SCHEMA, FORJINN_MASTER_KEY } = first.env;
  second = await startService({ ...slack, DATABASE_SCHEMA, FORJINN_MASTER_KEY }, { api: true, worker: false });
  await linkSlackTeam(first, SLACK_EXAMPLE.secret, TEAM);
}, 60_000);

const hooksAt = async (path: string) => (await first.api('GET', '/v1/webhooks')).body.data.filter((h: { url: string }) => h.url.endsWith(path));

describe('a replay to another api process', () => {
  test('is refused: one webhook, whichever process answers first', async () => {
    const a = slackClient(first.url, SLACK_EXAMPLE.secret, fake, who);
    const b = slackClient(second.url, SLACK_EXAMPLE.secret, fake, who);
    const ts = Math.floor(Date.now() / 1000);
    const body = a.commandForm(`webhook add ${receiver.url}/two-apis`);
    const signature = slackSignature(SLACK_EXAMPLE.secret, String(ts), body);
    expect((await a.post(body, { timestamp: ts, signature })).status).toBe(200);
    expect((await b.post(body, { timestamp: ts, signature })).status).toBe(401);
    expect(await hooksAt('/two-apis')).toHaveLength(1);

    // Sent to both at the same moment: exactly one runs it.
    const body2 = a.commandForm(`webhook add ${receiver.url}/both-at-once`);
    const sig2 = slackSignature(SLACK_EXAMPLE.secret, String(ts), body2);
    const answers = await Promise.all([a, b, a, b].map((c) => c.post(body2, { timestamp: ts, signature: sig2 })));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 401, 401, 401]);
    expect(await hooksAt('/both-at-once')).toHaveLength(1);
  });
});
