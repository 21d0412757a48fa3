// `forjinn-webhooks slack link|links|unlink` as an operator runs them: a separate process that
// attaches to the running service's database; the link takes effect on the next command.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startService, type TestService } from '../../helpers/service.js';
import { SLACK_EXAMPLE, slackClient, startFakeSlack, type FakeSlack } from './fake-slack.js';

const BIN = fileURLToPath(new URL('../../../bin/forjinn-webhooks.js', import.meta.url));
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
    expect((await cli(['--help'])).stdout).toContain('slack link');
  }, 60_000);
});
