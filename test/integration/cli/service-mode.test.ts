// The CLI against a deployed service (docs/cli.md "Two modes"): FORJINN_URL and FORJINN_KEY (or
// --url/--key before the command) make the management commands go through the HTTP API with the
// key, as an operator runs them from a laptop: separate processes, no database of their own (the
// DATA_DIR they are given stays empty). And --version, a group's --help, and a DATA_DIR with no
// database refused rather than created.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { useRig } from '../../helpers/rig.js';
import { SLACK_EXAMPLE, slackClient } from '../../helpers/fake-slack.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let laptop: string; // the operator's DATA_DIR: nothing may appear in it
const dirs: string[] = [];
const emptyDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fjw-cli-'));
  dirs.push(d);
  return d;
};

// The Slack app on: its link routes are part of the API then.
const { svc, rx, fake } = useRig({ fakeSlack: true, env: { LOG_LEVEL: 'warn', SLACK_BOT_TOKEN: 'xoxb-cli-token' } });
beforeAll(() => {
  laptop = emptyDir();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const remote = (args: string[], key = svc.key) => runCli(args, { DATA_DIR: laptop, FORJINN_URL: svc.url, FORJINN_KEY: key });

describe('with FORJINN_URL and FORJINN_KEY, through the API', () => {
  test('FORJINN_KEY alone (as the README exports it for curl) means the service on this machine, at its PORT', async () => {
    const port = new URL(svc.url).port;
    const list = await runCli(['webhook', 'list'], { DATA_DIR: laptop, FORJINN_KEY: svc.key, PORT: port });
    expect(list.code).toBe(0);
    expect(readdirSync(laptop)).toEqual([]);
    const elsewhere = await runCli(['webhook', 'list'], { DATA_DIR: laptop, FORJINN_KEY: svc.key, PORT: '1' });
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.out).toContain('http://127.0.0.1:1');
  }, 60_000);

  test('webhook add, list, test and remove act on the running service', async () => {
    const added = await remote(['webhook', 'add', '--url', `${rx.url}/hook`, '--events', '*', '--description', 'from the laptop']);
    expect(added.code).toBe(0);
    const id = /^id:\s+(\S+)$/m.exec(added.out)?.[1] ?? '';
    expect(added.out).toMatch(/^secret: whsec_\S+$/m);
    // The service has it: the API answers it.
    const shown = await svc.api('GET', `/v1/webhooks/${id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ id, url: `${rx.url}/hook`, description: 'from the laptop' });

    const list = await remote(['webhook', 'list']);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`^${id}  enabled .* ${rx.url.replace(/[.]/g, '\\.')}/hook$`, 'm'));

    const tested = await remote(['webhook', 'test', id, '--event', 'error_occurred']);
    expect(tested.out).toMatch(/^ok: HTTP 200 in \d+ ms$/m);
    expect(tested.code).toBe(0);
    expect(rx.received.map((r) => r.path)).toContain('/hook');

    const removed = await remote(['webhook', 'remove', id]);
    expect(removed).toEqual({ code: 0, out: `removed ${id}\n` });
    expect((await svc.api('GET', `/v1/webhooks/${id}`)).status).toBe(404);
    // Nothing was opened or created on the operator's side.
    expect(readdirSync(laptop)).toEqual([]);
  }, 60_000);

  test('--url and --key before the command do the same', async () => {
    const list = await runCli(['--url', svc.url, '--key', svc.key, 'webhook', 'list'], { DATA_DIR: laptop });
    expect(list.code).toBe(0);
    expect(list.out).not.toContain(svc.key);
    expect(readdirSync(laptop)).toEqual([]);
  }, 30_000);

  test('emit reports the event to the service: its id, stored there', async () => {
    const file = join(emptyDir(), 'event.json');
    writeFileSync(file, readFileSync(new URL('../../../samples/events/flow_completed.json', import.meta.url)));
    const res = await remote(['emit', file]);
    expect(res.code).toBe(0);
    const body = JSON.parse(res.out) as { id: string };
    expect(body.id).toEqual(expect.any(String));
    expect((await svc.api('GET', `/v1/events/${encodeURIComponent(body.id)}`)).status).toBe(200);
  }, 30_000);

  test('slack link-code, links and unlink act on the key\'s workspace', async () => {
    const team = 'T0CLIREMOTE';
    const made = await remote(['slack', 'link-code']);
    expect(made.code).toBe(0);
    const code = /^In the Slack workspace to link to "default", run:\n {2}\/forjinn link (\S+)$/m.exec(made.out)?.[1];
    const slack = slackClient(svc.url, SLACK_EXAMPLE.secret, fake, { team, channel: 'C0CLIREMOTE', channelName: 'cli', user: 'U0OPER002' });
    expect((await slack.command(`link ${code}`)).text).toContain(`Linked this Slack workspace (${team})`);
    expect((await remote(['slack', 'links'])).out).toMatch(new RegExp(`^${team}  default  slack:U0OPER002  \\d{4}-`, 'm'));
    expect(await remote(['slack', 'unlink', '--team', team])).toEqual({ code: 0, out: `unlinked Slack team ${team}\n` });
    expect(await remote(['slack', 'links'])).toEqual({ code: 0, out: 'no Slack teams linked (link one with: forjinn-webhooks slack link-code --workspace <name>)\n' });
    const unlink = await remote(['slack', 'unlink', '--team', 'T0NEVERSEEN']);
    expect(unlink.code).toBe(1);
    expect(unlink.out).toMatch(/^error: not_found: /m);
  }, 30_000);

  test('a bad key: exit 1, what the service said, the key not echoed', async () => {
    const bad = 'fjk_notarealkey_0123456789abcdef';
    const res = await remote(['webhook', 'list'], bad);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/^error: unauthorized: invalid or revoked API key$/m);
    expect(res.out).toContain('FORJINN_KEY');
    expect(res.out).not.toContain(bad);
  }, 30_000);

  test('a validation error: exit 2, the field named', async () => {
    const res = await remote(['webhook', 'add', '--url', 'not a url', '--events', '*']);
    expect(res.code).toBe(2);
    expect(res.out).toMatch(/^error: validation_error: .+ \(url\)$/m);
    expect(res.out).not.toContain(svc.key);
  }, 30_000);

  test('a --workspace other than the key\'s is refused, not ignored', async () => {
    const res = await remote(['webhook', 'list', '--workspace', 'someone-else']);
    expect(res.code).toBe(2);
    expect(res.out).toContain('the API key is for workspace "default"');
  }, 30_000);

  test('database-only commands refuse --url rather than open a local database', async () => {
    const res = await runCli(['--url', svc.url, '--key', svc.key, 'api-key', 'create', '--workspace', 'x'], { DATA_DIR: laptop });
    expect(res.code).toBe(2);
    expect(res.out).toContain('api-key create does not go through the HTTP API');
    expect(res.out).not.toContain(svc.key);
    expect(readdirSync(laptop)).toEqual([]);
  }, 30_000);
});

describe('the command line itself', () => {
  test('--version prints the package version', async () => {
    expect(await runCli(['--version'], {})).toEqual({ code: 0, out: `${VERSION}\n` });
  });

  test('a command group\'s --help lists its commands', async () => {
    const res = await runCli(['webhook', '--help'], {});
    expect(res.code).toBe(0);
    for (const c of ['webhook add', 'webhook list', 'webhook remove', 'webhook test']) expect(res.out).toContain(c);
    expect(res.out).not.toContain('api-key create');
    const slack = await runCli(['slack', '--help'], {});
    expect(slack.code).toBe(0);
    expect(slack.out).toContain('slack link-code');
  });
});

describe('a DATA_DIR with no database', () => {
  test.each([
    ['webhook list', ['webhook', 'list']],
    ['api-key create', ['api-key', 'create', '--workspace', 'default']],
    ['rotate-master-key', ['rotate-master-key']],
  ])('%s is an error naming it and how to create one; nothing is created', async (_name, args) => {
    const dir = emptyDir();
    const res = await runCli(args, { DATA_DIR: dir });
    expect(res.code).toBe(1);
    expect(res.out).toContain(`no database in ${dir} (DATA_DIR)`);
    expect(res.out).toContain('forjinn-webhooks migrate');
    expect(readdirSync(dir)).toEqual([]);
    // A directory that does not exist is not made either.
    const missing = join(dir, 'typo');
    expect((await runCli(args, { DATA_DIR: missing })).code).toBe(1);
    expect(existsSync(missing)).toBe(false);
  }, 30_000);
});
