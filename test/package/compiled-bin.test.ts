// The command as `npm start` and `npm run migrate` run it: bin/forjinn-webhooks.js, the compiled
// build in dist/, plain node (every other test spawns the sources through tsx). dist/ must be built
// from the current sources (`npm test` builds it first): the first test says what to run if not.
import { afterAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dropTestData, testEnv } from '../helpers/service.js';
import { COMPILED_BIN } from '../helpers/bin.js';
import { spawnService } from '../helpers/child.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const env = testEnv({ LOG_LEVEL: 'warn' });
afterAll(() => dropTestData(env));

const scripts = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts;
const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, args, { cwd: ROOT, env: { ...base, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

describe('the compiled command', () => {
  test('dist/ is built from the current sources; npm start and npm run migrate run bin/forjinn-webhooks.js with plain node', async () => {
    expect(await run(['scripts/build.js', '--check'])).toEqual({ code: 0, out: '' });
    expect(scripts.start).toBe('node bin/forjinn-webhooks.js serve');
    expect(scripts.migrate).toBe('node bin/forjinn-webhooks.js migrate');
    expect(readFileSync(COMPILED_BIN, 'utf8')).toMatch(/import\('?.*dist\/main\/cli\.js|\.\.\/dist\/main\/cli\.js/);
  });

  test('migrate, then serve answers /healthz and a CLI command works against it', async () => {
    const migrated = await run([COMPILED_BIN, 'migrate']);
    expect(migrated.code).toBe(0);
    const child = await spawnService('serve', { ...base, ...env }, { run: [process.execPath, COMPILED_BIN], cwd: ROOT, waitFor: /fjk_\S+\n/ });
    try {
      const url = child.url!;
      const health = await fetch(`${url}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok' });
      const key = child.key;
      expect(key).toBeDefined();
      const listed = await run([COMPILED_BIN, '--url', url, '--key', key!, 'webhook', 'list']);
      expect(listed).toMatchObject({ code: 0 });
      const bad = await run([COMPILED_BIN, '--url', url, '--key', 'fjk_wrong', 'webhook', 'list']);
      expect(bad.code).toBe(1);
    } finally {
      await child.kill();
    }
  });
});
