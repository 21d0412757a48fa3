// `forjinn-webhooks slack link|link-code|links|unlink` as an operator runs them: a separate
// process that attaches to the running service's database; the link takes effect on the next
// command. `link` is the operator's direct link; `link-code` gives a code for the Slack team.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { startService, type TestService } from '../../helpers/service.js';
import { SLACK_EXAMPLE, slackClient, startFakeSlack, type FakeSlack } from '../../helpers/fake-slack.js';
import { COMPILED_BIN as BIN } from '../../helpers/bin.js';

const TEAM = 'T0CLILINK1';
let svc: TestService;
let fake: FakeSlack;
let slack: ReturnType<typeof slackClient>;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...svc.env, LOG_LEVEL: 'warn' } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  fake = await startFakeSlack();
  svc = await startService({ SLACK_SIGNING_SECRET: SLACK_EXAMPLE.secret, SLACK_BOT_TOKEN: 'xoxb-cli-token', SLACK_API_URL: fake.apiUrl });
  slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team: TEAM, channel: 'C0CLICHAN1', channelName: 'cli', user: 'U0OPER001' });
}, 60_000);

afterAll(async () => {
  await svc?.close();
  await fake?.close();
});

describe('forjinn-webhooks slack', () => {
  test('link makes the team\'s commands act on the workspace; links lists it; unlink undoes it', async () => {
    expect((await slack.command('webhook list')).text).toContain('not linked');
    const linked = await cli(['slack', 'link', '--team', TEAM, '--workspace', 'default']);
    expect(linked).toMatchObject({ code: 0, stdout: `linked Slack team ${TEAM} to workspace "default"\n` });
    expect((await slack.command('webhook list')).text).toContain('No webhooks in *default* yet');

    await svc.newWorkspaceKey('ops');
    const moved = await cli(['slack', 'link', '--team', TEAM, '--workspace', 'ops']);
    expect(moved.stdout).toContain('(was "default")');
    expect((await slack.command('help')).text).toContain('*ops*');
    const list = await cli(['slack', 'links']);
    expect(list.stdout).toMatch(new RegExp(`^${TEAM}  ops  cli  `, 'm'));

    expect((await cli(['slack', 'unlink', '--team', TEAM])).stdout).toBe(`unlinked Slack team ${TEAM}\n`);
    expect((await slack.command('webhook list')).text).toContain('not linked');
    expect((await cli(['slack', 'links'])).stdout).toContain('no Slack teams linked');
  }, 60_000);

  test('link-code prints a one-time code that links the Slack team running /forjinn link with it', async () => {
    const out = await cli(['slack', 'link-code', '--workspace', 'default']);
    expect(out.code).toBe(0);
    const code = /^([0-9A-Z]{4}(?:-[0-9A-Z]{4}){3})$/m.exec(out.stdout)![1];
    expect(out.stdout).toContain(`/forjinn link ${code}`);
    expect(out.stdout).toMatch(/Valid once, until \d{4}-\d\d-\d\dT/);
    expect((await slack.command(`link ${code}`)).text).toContain(`Linked this Slack workspace (${TEAM}) to the Forjinn workspace *default*`);
    expect((await cli(['slack', 'links'])).stdout).toMatch(new RegExp(`^${TEAM}  default  slack:U0OPER001  `, 'm'));
    expect((await slack.command(`link ${code}`, { team: 'T0CLIOTHER' })).text).toContain('not a valid link code');
    expect((await cli(['slack', 'unlink', '--team', TEAM])).code).toBe(0);
    const none = await cli(['slack', 'link-code', '--workspace', 'nowhere']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no workspace named "nowhere"');
    expect((await cli(['slack', 'link-code'])).stderr).toContain('missing --workspace');
  }, 60_000);

  test('bad input exits 2 with a clear message', async () => {
    const badTeam = await cli(['slack', 'link', '--team', 'general', '--workspace', 'default']);
    expect(badTeam.code).toBe(2);
    expect(badTeam.stderr).toContain('team: must be a Slack team id such as T0123ABCD');
    const noWorkspace = await cli(['slack', 'link', '--team', TEAM, '--workspace', 'nowhere']);
    expect(noWorkspace.code).toBe(2);
    expect(noWorkspace.stderr).toContain('no workspace named "nowhere"');
    const missing = await cli(['slack', 'link', '--team', TEAM]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --workspace');
    expect((await cli(['slack', 'unlink', '--team', 'T0NEVERSEEN'])).stderr).toContain('is not linked');
    expect((await cli(['--help'])).stdout).toContain('slack link-code');
  }, 60_000);
});
