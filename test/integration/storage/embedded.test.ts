// The embedded database: data survives a restart, files are private, the socket is a Unix
// socket inside DATA_DIR, and the CLI reaches a running service's database through it.
import { afterAll, expect, test } from '@jest/globals';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../../../src/core/config.js';
import { startRuntime } from '../../../src/main/service.js';
import { createLogger } from '../../../src/core/log.js';
import { dropTestData, testEnv } from '../../helpers/service.js';
import { COMPILED_BIN as BIN } from '../../helpers/bin.js';

const run = promisify(execFile);
// Always embedded here, whatever the suite's DATABASE_URL.
const { DATABASE_URL: _u, DATABASE_SCHEMA: _s, FORJINN_MASTER_KEY: _k, ...env } = testEnv();
afterAll(() => dropTestData(env));

const start = () => startRuntime(loadConfig(env), { api: true, worker: true }, { log: createLogger('silent') });

test('stop the service, start it again: everything is still there, and no second bootstrap key', async () => {
  const first = await start();
  expect(first.bootstrapKey).toMatch(/^fjk_/);
  const key = first.bootstrapKey!;
  const created = await fetch(`${first.url}/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: 'https://example.com/persist', events: ['*'] }),
  });
  expect(created.status).toBe(201);
  const { id } = await created.json();

  // Private files: the data directory 0700, the generated master key 0600, the socket 0600.
  expect(statSync(env.DATA_DIR).mode & 0o777).toBe(0o700);
  expect(statSync(join(env.DATA_DIR, 'master.key')).mode & 0o777).toBe(0o600);
  const socket = join(env.DATA_DIR, '.s.PGSQL.5432');
  expect(statSync(socket).isSocket()).toBe(true);
  expect(statSync(socket).mode & 0o777).toBe(0o600);

  // While it runs, the CLI reaches the same database through the socket.
  const listed = await run(process.execPath, [BIN, 'webhook', 'list'], { env: { ...process.env, ...env, DATABASE_URL: '' } });
  expect(listed.stdout).toContain(id);

  await first.close();
  expect(existsSync(socket)).toBe(false);

  const second = await start();
  try {
    expect(second.bootstrapKey).toBeUndefined();
    const res = await fetch(`${second.url}/v1/webhooks/${id}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect((await res.json()).url).toBe('https://example.com/persist');
  } finally {
    await second.close();
  }
}, 120_000);

test('a second serve on the same DATA_DIR is refused with a clear message', async () => {
  const first = await start();
  try {
    await expect(start()).rejects.toThrow(/another forjinn-webhooks process is serving/);
  } finally {
    await first.close();
  }
}, 60_000);
