// How a service process ends, as a supervisor sees it: SIGTERM ends it with code 0 (not killed by
// the signal); an error it cannot recover from ends it with code 1 and a log line that says why,
// so a supervisor that restarts on failure restarts it. The error is a real uncaught exception,
// thrown in the real process by a fixture loaded with `node --import`.
import { afterAll, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { dropTestData, templateEnv } from '../../helpers/service.js';
import { exitOf, spawnService, type Child } from '../../helpers/child.js';

const FIXTURE = fileURLToPath(new URL('../../helpers/process/fail-on-sigusr2.mjs', import.meta.url));
const env = templateEnv({ LOG_LEVEL: 'info', NODE_OPTIONS: `--import ${FIXTURE}` });
const children: Child[] = [];
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  await dropTestData(env);
});

test('SIGTERM: the worker closes and exits 0', async () => {
  const worker = await spawnService('worker', env, { waitFor: /delivery worker running/ });
  children.push(worker);
  expect(await exitOf(worker, 'SIGTERM')).toEqual({ code: 0, signal: null });
  expect(worker.output()).toMatch(/"reason":"received SIGTERM","msg":"shutting down"/);
});

test('an uncaught error: the worker exits 1 and logs the reason', async () => {
  const worker = await spawnService('worker', env, { waitFor: /delivery worker running/ });
  children.push(worker);
  expect(await exitOf(worker, 'SIGUSR2')).toEqual({ code: 1, signal: null });
  const lines = worker
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
  expect(lines.find((l) => l.level === 60)?.msg).toBe('stopping after an error it cannot recover from: fixture: an error nothing catches');
  expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'exiting with code 1: fatal error: fixture: an error nothing catches' });
});
