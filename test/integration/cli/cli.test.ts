// The CLI as a user runs it: a separate process, its stdout and exit code.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { dropTestData, templateEnv } from '../../helpers/service.js';
import { loadConfig } from '../../../src/core/config.js';
import { startRuntime, type Runtime } from '../../../src/main/service.js';
import { createLogger } from '../../../src/core/log.js';
import { COMPILED_BIN as BIN } from '../../helpers/bin.js';

const env = templateEnv({ LOG_LEVEL: 'warn' });

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

// A running service owns the database, as when a user runs the CLI beside `npm start`: on
// PGlite the CLI then reaches it through the socket in DATA_DIR instead of opening the files.
let rt: Runtime | undefined;
beforeAll(async () => {
  rt = await startRuntime(loadConfig(env), { api: false, worker: false }, { log: createLogger('silent') });
}, 60_000);
afterAll(async () => {
  await rt?.close();
  await dropTestData(env);
});

describe('forjinn-webhooks', () => {
  let webhookId = '';
  beforeAll(async () => {
    expect((await cli(['migrate'])).code).toBe(0);
  }, 60_000);

  test('--help lists the commands; each command has its own --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const c of ['serve', 'worker', 'api', 'migrate', 'api-key create', 'webhook add', 'webhook list', 'webhook remove', 'webhook test', 'emit', 'verify']) expect(help.stdout).toContain(c);
    const sub = await cli(['webhook', 'add', '--help']);
    expect(sub.stdout).toContain('--url');
  });

  test('an unknown command or flag exits 2 with the usage', async () => {
    const bad = await cli(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command');
    const flag = await cli(['api-key', 'create', '--workspace', 'x', '--colour', 'red']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/Unknown option '--colour'/);
  });

  test('api-key create prints a new key on stdout and creates the workspace', async () => {
    const res = await cli(['api-key', 'create', '--workspace', 'cli-team']);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toMatch(/^fjk_[A-Za-z0-9_-]{43}$/);
    const list = await cli(['api-key', 'list', '--workspace', 'cli-team']);
    // Listed by id and prefix (the key's public identifier); never more of the key than that.
    const key = res.stdout.trim();
    expect(list.stdout).toMatch(/^[0-9a-f-]{36} {2}fjk_[A-Za-z0-9_-]{8}… {2}cli-team /m);
    expect(list.stdout).toContain(`${key.slice(0, 12)}…`);
    expect(list.stdout).not.toContain(key.slice(0, 13));
  }, 30_000);

  test('webhook add, list, remove; a bad URL is a clear error', async () => {
    const added = await cli(['webhook', 'add', '--workspace', 'cli-team', '--url', 'https://example.com/cli', '--events', 'flow_completed,error_occurred']);
    expect(added.code).toBe(0);
    webhookId = /id:\s+(\S+)/.exec(added.stdout)![1];
    expect(added.stdout).toMatch(/secret: whsec_/);
    const list = await cli(['webhook', 'list', '--workspace', 'cli-team']);
    expect(list.stdout).toContain(webhookId);
    expect(list.stdout).toContain('flow_completed,error_occurred');
    const bad = await cli(['webhook', 'add', '--workspace', 'cli-team', '--url', 'ftp://nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('url: must be an http or https URL');
    const removed = await cli(['webhook', 'remove', webhookId, '--workspace', 'cli-team']);
    expect(removed.code).toBe(0);
    expect((await cli(['webhook', 'list', '--workspace', 'cli-team'])).stdout).not.toContain(webhookId);
  }, 60_000);

  test('emit reports an event from a file; a repeat is recognised', async () => {
    const file = join(env.DATA_DIR, 'event.json');
    writeFileSync(file, JSON.stringify({ event: 'flow_completed', id: 'cli-run-1', chatflowId: 'cf' }));
    const first = await cli(['emit', file, '--workspace', 'cli-team']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ id: 'cli-run-1', deliveries: 0 });
    const again = await cli(['emit', '-', '--workspace', 'cli-team'], JSON.stringify({ event: 'flow_completed', id: 'cli-run-1', chatflowId: 'cf' }));
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 'cli-run-1', duplicate: true });
    const invalid = await cli(['emit', '-', '--workspace', 'cli-team'], JSON.stringify({ event: 'flow_completed' }));
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('chatflowId');
  }, 60_000);

  test('verify checks both signature forms from stdin', async () => {
    const body = '{"event":"flow_completed"}';
    const secret = 'a-plain-secret-of-enough-length';
    const hub = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    expect((await cli(['verify', '--secret', secret, '--signature', hub], body)).stdout.trim()).toBe('valid');
    const ts = String(Math.floor(Date.now() / 1000));
    const std = `v1,${createHmac('sha256', secret).update(`msg_1.${ts}.${body}`).digest('base64')}`;
    expect((await cli(['verify', '--secret', secret, '--signature', std, '--timestamp', ts, '--id', 'msg_1'], body)).code).toBe(0);
    const bad = await cli(['verify', '--secret', secret, '--signature', hub], body + ' ');
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('invalid');
  }, 30_000);
});
