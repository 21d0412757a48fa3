// Signed Slack requests as an attacker who captured one would use them: sent again inside the
// 5-minute window, sent several times at once, or stamped in the future. Each signed request
// runs once; what is remembered lives in the database (several api processes share it).
import { beforeAll, describe, expect, test } from '@jest/globals';
import { linkSlackTeam } from '../../helpers/slack-link.js';
import { useRig } from '../../helpers/rig.js';
import { SLACK_EXAMPLE, slackClient, slackSignature } from '../../helpers/fake-slack.js';

const TEAM = 'T0REPLAY01';
let slack: ReturnType<typeof slackClient>;

const { svc, rx: receiver, fake } = useRig({ fakeSlack: true, env: { SLACK_BOT_TOKEN: 'xoxb-replay-token' } });

beforeAll(async () => {
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: 'C0REPLAY01', channelName: 'replay', user: 'U0REPLAY01' });
  await linkSlackTeam(svc, SLACK_EXAMPLE.secret, TEAM);
}, 60_000);

const now = () => Math.floor(Date.now() / 1000);
const hooksAt = async (path: string) => (await svc.api('GET', '/v1/webhooks')).body.data.filter((h: { url: string }) => h.url.endsWith(path));

/** One captured request: the same bytes, timestamp and signature each time it is sent. */
function captured(text: string, timestamp = now()) {
  const body = slack.commandForm(text);
  const signature = slackSignature(SLACK_EXAMPLE.secret, String(timestamp), body);
  return () => slack.post(body, { timestamp, signature });
}

describe('a signed request sent again', () => {
  test('runs once: the replay is refused with 401 and creates no second webhook', async () => {
    const send = captured(`webhook add ${receiver.url}/replayed flow_completed`);
    const first = await send();
    expect(first.status).toBe(200);
    expect(JSON.stringify(first.body)).toContain('Webhook added');
    const again = await send();
    expect(again.status).toBe(401);
    expect(again.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('already received') });
    expect(await hooksAt('/replayed')).toHaveLength(1);
  });

  test('sent five times at once, it runs exactly once', async () => {
    const send = captured(`webhook add ${receiver.url}/burst`);
    const answers = await Promise.all(Array.from({ length: 5 }, send));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401]);
    expect(await hooksAt('/burst')).toHaveLength(1);
  });

  test('the same command typed again (a new request, new signature) runs again', async () => {
    expect((await slack.command(`webhook add ${receiver.url}/twice`)).status).toBe(200);
    expect((await slack.command(`webhook add ${receiver.url}/twice`)).status).toBe(200);
    expect(await hooksAt('/twice')).toHaveLength(2);
  });

  test('a request refused for its signature is not remembered, so it cannot block the real one', async () => {
    const body = slack.commandForm(`webhook add ${receiver.url}/forged`);
    const ts = now();
    const real = slackSignature(SLACK_EXAMPLE.secret, String(ts), body);
    expect((await slack.post(body, { timestamp: ts, signature: `v0=${'0'.repeat(64)}` })).status).toBe(401);
    expect((await slack.post(`${body}&x=1`, { timestamp: ts, signature: real })).status).toBe(401);
    expect((await slack.post(body, { timestamp: ts, signature: real })).status).toBe(200);
    expect(await hooksAt('/forged')).toHaveLength(1);
  });

  test('what is remembered is kept until the window is over, then pruned', async () => {
    const db = svc.rt.ctx.db.pool;
    // A row whose window ended (as if written 10 minutes ago): the next accepted request prunes it.
    await db.query(`insert into slack_seen_requests (signature, expires_at) values ('v0=old', now() - interval '1 minute')`);
    const send = captured('help');
    expect((await send()).status).toBe(200);
    const { rows } = await db.query<{ signature: string; expires_at: Date }>('select signature, expires_at from slack_seen_requests');
    expect(rows.map((r) => r.signature)).not.toContain('v0=old');
    // The request just answered is kept at least until its timestamp is too old to be accepted.
    const latest = rows.reduce((a, b) => (a.expires_at > b.expires_at ? a : b));
    expect(latest.expires_at.getTime()).toBeGreaterThanOrEqual((now() + 5 * 60 - 2) * 1000);
  });
});

describe('timestamps', () => {
  test('one 10 minutes in the future is refused with 401 and runs nothing', async () => {
    const send = captured(`webhook add ${receiver.url}/future`, now() + 10 * 60);
    const res = await send();
    expect(res.status).toBe(401);
    expect(res.body.error.message).toContain('in the future');
    expect(await hooksAt('/future')).toHaveLength(0);
  });

  test('a small clock difference (30 s ahead) is accepted', async () => {
    expect((await slack.command('help', {}, { timestamp: now() + 30 })).status).toBe(200);
  });

  test('one over 5 minutes old is still refused', async () => {
    expect((await slack.command('help', {}, { timestamp: now() - 5 * 60 - 10 })).status).toBe(401);
  });

  test('a timestamp that is not a number of seconds is refused', async () => {
    const body = slack.commandForm('help');
    for (const ts of ['1e9', 'soon', '']) {
      const res = await slack.post(body, { timestamp: ts });
      expect([ts, res.status]).toEqual([ts, 401]);
    }
  });
});
