// rotate-master-key re-encrypts every sealed column under a new key: with FORJINN_MASTER_KEY (the
// operator sets the new key), and with the embedded default (DATA_DIR/master.key is replaced),
// including a rotation cut short between its commit and the key file's replacement.
import { afterAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { verify as octokitVerify } from '@octokit/webhooks-methods';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCipher, masterKeyId, parseMasterKey } from '../../../src/core/crypto.js';
import { dropTestData, startService, templateEnv, type TestService } from '../../helpers/service.js';
import { startReceiver } from '../../helpers/receiver.js';
import { eventually } from '../../helpers/eventually.js';
import { runCli } from '../../helpers/cli.js';

const envs: Array<Record<string, string>> = [];
afterAll(async () => {
  for (const env of envs) await dropTestData(env);
});

/** startService on an existing environment (its DATA_DIR, schema and key), not a fresh one. */
async function startOn(env: Record<string, string>, extra: Record<string, string> = {}): Promise<TestService> {
  const svc = await startService({ ...env, ...extra });
  if (svc.dataDir !== env.DATA_DIR) rmSync(svc.dataDir, { recursive: true, force: true });
  return svc;
}

/** Every value of every *_enc column, with where it came from. */
async function sealedValues(svc: TestService): Promise<Array<{ where: string; value: string }>> {
  const pool = svc.rt.ctx.db.pool;
  const { rows: cols } = await pool.query<{ t: string; c: string }>(
    `select table_name as t, column_name as c from information_schema.columns where table_schema = current_schema() and column_name like '%\\_enc' escape '\\'`,
  );
  const out: Array<{ where: string; value: string }> = [];
  for (const { t, c } of cols) {
    const { rows } = await pool.query<{ v: string }>(`select ${c} as v from ${t} where ${c} is not null`);
    out.push(...rows.map((r) => ({ where: `${t}.${c}`, value: r.v })));
  }
  return out;
}

async function seed(svc: TestService, url: string) {
  const created = await svc.api('POST', '/v1/webhooks', { url, events: ['*'], headers: { 'x-api-token': 'hdr-token-123456' }, transformerConfig: {} });
  expect(created.status).toBe(201);
  const rotated = await svc.api('POST', `/v1/webhooks/${created.body.id}/rotate-secret`, { graceSeconds: 3600 });
  expect(rotated.status).toBe(200);
  return { id: created.body.id as string, secret: rotated.body.secret as string, previousSecret: created.body.secret as string };
}

describe('with FORJINN_MASTER_KEY', () => {
  test('every sealed value moves to the new key; the service runs on the new key and the old one opens nothing', async () => {
    const rx = await startReceiver();
    const env = templateEnv();
    envs.push(env);
    const oldKey = env.FORJINN_MASTER_KEY;
    const newKey = randomBytes(32).toString('base64');
    try {
      let svc = await startOn(env);
      const hook = await seed(svc, `${rx.url}/rotate?token=url-token-abcdef`);
      await svc.close({ keepData: true });

      const run = await runCli(['rotate-master-key', '--new-key', newKey], env);
      expect(run.out).toMatch(/re-encrypted [1-9]\d* values under master key/);
      expect(run.code).toBe(0);
      for (const col of ['webhooks.url_enc', 'webhooks.secret_enc', 'webhooks.previous_secret_enc', 'webhooks.headers_enc', 'webhooks.transformer_config_enc']) {
        expect(run.out).toMatch(new RegExp(`${col.replace('.', '\\.')}: 1\\b`));
      }
      expect(run.out).toMatch(/Set FORJINN_MASTER_KEY to the new key/);
      expect(run.out).not.toContain(newKey); // given by the operator: not printed back

      svc = await startOn(env, { FORJINN_MASTER_KEY: newKey });
      try {
        const values = await sealedValues(svc);
        expect(values.length).toBeGreaterThanOrEqual(5);
        const newId = masterKeyId(parseMasterKey(newKey));
        for (const { where, value } of values) expect([where, value.split('.')[1]]).toEqual([where, newId]);
        const old = createCipher(parseMasterKey(oldKey));
        for (const { value } of values) expect(() => old.decrypt(value)).toThrow(/unknown master key/);

        expect((await svc.api('GET', `/v1/webhooks/${hook.id}`)).body.url).toBe(`${rx.url}/rotate?token=url-token-abcdef`);
        const sent = await svc.api('POST', `/v1/webhooks/${hook.id}/test`, {});
        expect(sent.body.outcome).toBe('success');
        const got = await eventually(() => rx.received.find((r) => r.path.startsWith('/rotate')));
        expect(got.headers['x-api-token']).toBe('hdr-token-123456');
        // Current and previous secret, both opened: each verifies on its own header.
        expect(await octokitVerify(hook.secret, got.body, got.headers['x-forjinn-signature'])).toBe(true);
        expect(await octokitVerify(hook.previousSecret, got.body, got.headers['x-forjinn-signature-previous'])).toBe(true);
      } finally {
        await svc.close({ keepData: true });
      }
    } finally {
      await rx.close();
    }
  }, 90_000);

  test('a --new-key that is not 32 bytes is refused before anything is touched', async () => {
    const run = await runCli(['rotate-master-key', '--new-key', 'short'], { DATA_DIR: '/nonexistent-forjinn' });
    expect(run.code).toBe(2);
    expect(run.out).toMatch(/--new-key: expected 32 bytes/);
  });
});

describe('the embedded default key file', () => {
  test('is replaced; a rotation cut short before the replacement is finished by the next run', async () => {
    // Empty means unset: the service makes (and then reads) DATA_DIR/master.key.
    const env = templateEnv({ FORJINN_MASTER_KEY: '' });
    envs.push(env);
    const keyFile = join(env.DATA_DIR, 'master.key');
    let svc = await startOn(env);
    const hook = await seed(svc, 'https://hooks.example.com/embedded?token=url-token-xyz');
    await svc.close({ keepData: true });
    const before = readFileSync(keyFile, 'utf8');

    const run = await runCli(['rotate-master-key'], env);
    expect(run.out).toMatch(/now holds the new key; start the service as before/);
    expect(run.code).toBe(0);
    const after = readFileSync(keyFile, 'utf8');
    expect(after).not.toBe(before);
    expect(run.out).not.toContain(after.trim()); // the file holds it; it is not printed
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(existsSync(`${keyFile}.next`)).toBe(false);

    // As if the last run had died after its commit and before replacing the file.
    writeFileSync(`${keyFile}.next`, after, { mode: 0o600 });
    writeFileSync(keyFile, before, { mode: 0o600 });
    const again = await runCli(['rotate-master-key'], env);
    expect(again.out).toMatch(/finished an interrupted rotation: re-encrypted 0 values/);
    expect(again.code).toBe(0);
    expect(readFileSync(keyFile, 'utf8')).toBe(after);

    svc = await startOn(env);
    try {
      const one = await svc.api('GET', `/v1/webhooks/${hook.id}`);
      expect(one.status).toBe(200);
      expect(one.body.url).toBe('https://hooks.example.com/embedded?token=url-token-xyz');
      const id = masterKeyId(parseMasterKey(after));
      for (const { value } of await sealedValues(svc)) expect(value.split('.')[1]).toBe(id);
    } finally {
      await svc.close({ keepData: true });
    }
  }, 90_000);
});
