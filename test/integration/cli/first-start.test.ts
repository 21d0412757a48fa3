// The likeliest first-run failure: port 3000 is busy. The first `serve` fails; once the port is
// free the next one must still print the bootstrap key, and the key must work.
import { afterAll, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { spawnService, type Child } from '../../helpers/child.js';
import { dropTestData, testEnv } from '../../helpers/service.js';
import { eventually } from '../../helpers/eventually.js';

const env = testEnv({ HOST: '127.0.0.1', LOG_LEVEL: 'info' });
let child: Child | undefined;
afterAll(async () => {
  await child?.kill();
  await dropTestData(env);
});

test('a first serve that fails with EADDRINUSE makes no key: the next start prints one, and it works', async () => {
  const busy: Server = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const port = String((busy.address() as AddressInfo).port);

  const failed = await spawnService('serve', { ...env, PORT: port }).then(
    (c) => c.kill().then(() => 'started'),
    (e: Error) => e.message,
  );
  expect(failed).toMatch(/EADDRINUSE/);
  expect(failed).not.toMatch(/fjk_/);

  await new Promise<void>((resolve) => busy.close(() => resolve()));
  child = await spawnService('serve', { ...env, PORT: port }, { waitFor: /delivery worker running/ });
  // The key is written right after that line (same tick); the pipe may bring it a moment later.
  const out = await eventually(() => (/Bootstrap API key for workspace "default"[\s\S]*Try: curl/.test(child!.output()) ? child!.output() : undefined), {
    timeoutMs: 5_000,
    what: 'the bootstrap key on stdout',
  });
  const key = /\n\s+(fjk_\S+)\n/.exec(out)?.[1];
  expect(key).toMatch(/^fjk_/);
  const res = await fetch(`${child.url}/v1/webhooks`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
}, 120_000);
