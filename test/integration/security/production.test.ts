// Production mode (NODE_ENV=production): https only, private targets refused by default, a master
// key required with DATABASE_URL (the start refuses with a message), and the bootstrap API key
// printed on the first start only.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { setResolver } from '../../../src/services/delivery/ssrf.js';
import { dropTestData, startService, templateEnv, type TestService } from '../../helpers/service.js';
import { spawnService } from '../../helpers/child.js';
import { COMPILED_BIN as BIN } from '../../helpers/bin.js';


describe('a production service', () => {
  let svc: TestService;
  // Names are answered here: production resolves webhook hosts when they are saved.
  const dns: Record<string, string> = { 'hooks.example.test': '93.184.216.34', 'intranet.example.test': '10.0.0.5', 'metadata.example.test': '169.254.169.254' };
  beforeAll(async () => {
    setResolver(async (host) => (dns[host] ? [{ address: dns[host], family: 4 }] : []));
    // No worker: a webhook saved here points at a (stubbed) public address and must never be dialled.
    svc = await startService({ NODE_ENV: 'production' }, { api: true, worker: false });
  });
  afterAll(async () => {
    await svc?.close();
    setResolver(undefined);
  });

  test('says at start that private targets are refused', () => {
    expect(svc.rt.ctx.config).toMatchObject({ production: true, allowPrivate: false });
    expect(svc.logs.join('')).toMatch(/private and loopback webhook targets are refused/);
  });

  test('refuses http URLs with a message that says https', async () => {
    const res = await svc.api('POST', '/v1/webhooks', { url: 'http://hooks.example.test/x', events: ['*'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'url', message: 'url: must use https in production' });
  });

  test.each(['https://127.0.0.1/x', 'https://[::1]/x', 'https://intranet.example.test/x', 'https://metadata.example.test/latest'])('refuses the private target %s', async (url) => {
    const res = await svc.api('POST', '/v1/webhooks', { url, events: ['*'] });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ field: 'url', message: expect.stringMatching(/targets are refused/) });
  });

  test('accepts an https URL on a public address', async () => {
    const res = await svc.api('POST', '/v1/webhooks', { url: 'https://hooks.example.test/forjinn', events: ['*'], enabled: false });
    expect(res.status).toBe(201);
  });
});

describe('starting in production', () => {
  test('with DATABASE_URL and no FORJINN_MASTER_KEY, serve refuses to start and says what to set', async () => {
    // The configuration is refused before any connection: the URL's port 1 is never dialled.
    const proc = spawn(process.execPath, [BIN, 'serve'], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: 'postgres://forjinn@127.0.0.1:1/forjinn', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(1);
    expect(out).toMatch(/FORJINN_MASTER_KEY: required in production with DATABASE_URL/);
    expect(out).toMatch(/openssl rand -base64 32/);
  }, 30_000);
});

describe('the bootstrap key', () => {
  const env = templateEnv();
  afterAll(() => dropTestData(env));

  test('is printed on the first start and never again', async () => {
    const first = await spawnService('serve', env, { waitFor: /fjk_\S+\n/ });
    await first.kill('SIGTERM');
    expect(first.key).toMatch(/^fjk_/);
    expect(first.output()).toMatch(/Bootstrap API key for workspace "default" \(shown once/);

    const second = await spawnService('serve', env, { waitFor: /delivery worker running/ });
    try {
      // The first key still works against the second start: it was kept, not replaced.
      const res = await fetch(`${second.url}/v1/workspace`, { headers: { authorization: `Bearer ${first.key}` } });
      expect(res.status).toBe(200);
    } finally {
      await second.kill('SIGTERM');
    }
    expect(second.output()).not.toMatch(/fjk_|Bootstrap API key/);
  }, 90_000);
});
