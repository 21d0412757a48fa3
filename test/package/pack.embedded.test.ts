// The package as a user gets it: `npm pack`, the tarball installed into a plain ESM project, which
// is also compiled as a TypeScript project (as `npm install <tarball>` does; dependencies from the npm cache,
// metadata from the registry), `forjinn-webhooks/verify` checking real signatures from the
// service's signer and from the standardwebhooks package, a tampered body refused, the types
// compiling under NodeNext, and the installed command serving (migrations, templates, samples and
// the page's bundled assets found inside the installed package, with no esbuild or tsx there).
// It packs dist/ as it is, so dist/ must be built from the current sources (`npm test` builds it
// first): the first test fails with what to run when it is not.
// One file for both passes would pack and install twice; the installed service runs on its
// default embedded database, so this file runs in the embedded pass only.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { signatureHeaders } from '../../src/services/signing/sign.js';
import { spawnService } from '../helpers/child.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = `whsec_${Buffer.from('pack-test-secret-of-32-bytes!!!!').toString('base64')}`;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) || 1 : 0, out: `${stdout}${stderr}`, ms: Date.now() - started }),
    );
  });
}

const npm = (args: string[], cwd: string) => run('npm', args, cwd, { ...process.env, NODE_OPTIONS: '' });
const install = (cwd: string, specs: string[]) => npm(['install', ...specs, '--prefer-offline', '--no-audit', '--no-fund'], cwd);

let work: string;
let tarball: string;
const esm = () => join(work, 'esm');
// The TypeScript project is the same project with a tsconfig: one install (npm's reify is most of this file's time).
const ts = esm;
const timings: string[] = [];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fjw-pack-'));
});
afterAll(() => {
  // The time each step took, for docs and the report (not asserted).
  process.stdout.write(`package test: ${timings.join(', ')}\n`);
  rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  test('dist/ is built from the current sources, and npm pack makes a tarball of it', async () => {
    const fresh = await run(process.execPath, ['scripts/build.js', '--check'], ROOT);
    expect(fresh).toMatchObject({ code: 0 });
    // --ignore-scripts: dist/ is fresh (checked above); without it prepare would build it again.
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(packed.code).toBe(0);
    timings.push(`npm pack ${packed.ms} ms`);
    const [info] = JSON.parse(packed.out.slice(packed.out.indexOf('['))) as [{ filename: string; files: { path: string }[] }];
    tarball = join(work, info.filename);
    const paths = info.files.map((f) => f.path);
    for (const want of ['bin/forjinn-webhooks.js', 'dist/main/cli.js', 'dist/index.d.ts', 'dist/services/receiving/verify.d.ts', 'dist/doors/web/assets/app.js', 'migrations/1764450000000_init.sql', 'templates/slack/default.hbs', 'samples/events/flow_completed.json']) {
      expect(paths).toContain(want);
    }
    // Neither the sources nor the tests nor the build's own files.
    expect(paths.filter((p) => /^(src|test|scripts|bench)\/|\.ts$(?<!\.d\.ts)|build-hash/.test(p))).toEqual([]);
  });

  test('a plain ESM project verifies real signatures with forjinn-webhooks/verify and refuses a tampered body', async () => {
    mkdirSync(esm());
    writeFileSync(join(esm(), 'package.json'), JSON.stringify({ name: 'esm-consumer', private: true, type: 'module' }));
    const installed = await install(esm(), [tarball, '@types/node@20']);
    expect(installed).toMatchObject({ code: 0 });
    timings.push(`install into an ESM project (with @types/node for the TypeScript test) ${installed.ms} ms`);
    // Only what a user of the package gets: no build tools.
    for (const tool of ['esbuild', 'tsx', 'typescript']) expect(existsSync(join(esm(), 'node_modules', tool))).toBe(false);

    const body = JSON.stringify({ event: 'flow_completed', id: 'evt_pack_1', workspace: 'default', output: 'done' });
    const id = 'msg_pack_1';
    const timestamp = Math.floor(Date.now() / 1000);
    const service = signatureHeaders([SECRET], id, timestamp, body);
    const standard = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': new Webhook(SECRET).sign(id, new Date(timestamp * 1000), body),
    };
    const hubOnly = Object.fromEntries(Object.entries(service).filter(([k]) => k.toLowerCase().startsWith('x-forjinn-signature')));
    expect(Object.keys(hubOnly)).not.toHaveLength(0);
    const tampered = body.replace('done', 'done!');
    writeFileSync(
      join(esm(), 'check.js'),
      `import { verifyWebhook, WebhookVerificationError } from 'forjinn-webhooks/verify';
import * as root from 'forjinn-webhooks';
const cases = JSON.parse(process.argv[2]);
const out = {};
for (const [name, c] of Object.entries(cases)) {
  try {
    out[name] = { ok: verifyWebhook(c.body, c.headers, c.secret) };
  } catch (e) {
    out[name] = { error: e instanceof WebhookVerificationError ? 'WebhookVerificationError' : String(e), message: e.message };
  }
}
out.rootExports = Object.keys(root).sort();
console.log(JSON.stringify(out));
`,
    );
    const cases = {
      service: { body, headers: service, secret: SECRET },
      standardwebhooks: { body, headers: standard, secret: SECRET },
      hub: { body, headers: hubOnly, secret: SECRET },
      tampered: { body: tampered, headers: service, secret: SECRET },
      tamperedHub: { body: tampered, headers: hubOnly, secret: SECRET },
      wrongSecret: { body, headers: standard, secret: `whsec_${Buffer.from('another-secret-of-32-bytes!!!!!!').toString('base64')}` },
    };
    const ran = await run(process.execPath, ['check.js', JSON.stringify(cases)], esm());
    expect(ran.code).toBe(0);
    const got = JSON.parse(ran.out) as Record<string, { ok?: unknown; error?: string; message?: string }> & { rootExports: string[] };
    const event = JSON.parse(body);
    expect(got.service).toEqual({ ok: event });
    expect(got.standardwebhooks).toEqual({ ok: event });
    expect(got.hub).toEqual({ ok: event });
    expect(got.tampered).toEqual({ error: 'WebhookVerificationError', message: 'no matching signature' });
    expect(got.tamperedHub).toEqual({ error: 'WebhookVerificationError', message: 'no matching signature' });
    expect(got.wrongSecret).toEqual({ error: 'WebhookVerificationError', message: 'no matching signature' });
    expect(got.rootExports).toEqual(['WebhookVerificationError', 'forjinnWebhook', 'hubSignature', 'standardSignature', 'verifyWebhook']);
  });

  test("the installed command runs the compiled build: --version, and serve answers /healthz and the page's bundled script", async () => {
    const bin = join(esm(), 'node_modules', '.bin', 'forjinn-webhooks');
    const version = await run(bin, ['--version'], esm());
    expect(version).toMatchObject({ code: 0, out: '0.1.0\n' });
    const dataDir = join(work, 'data');
    const child = await spawnService(
      'serve',
      { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', FORJINN_DB_STATEMENT_TIMEOUT_MS: '30000' },
      { run: [bin], cwd: esm(), waitFor: /fjk_\S+\n/ }, // the banner with the new key
    );
    try {
      const url = child.url!;
      expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok', database: 'embedded' });
      const script = await fetch(`${url}/assets/app.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect((await script.text()).length).toBeGreaterThan(1000);
      // A sample and a template, read from the installed package's samples/ and templates/.
      const key = child.key;
      const created = await fetch(`${url}/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: 'https://hooks.slack.com/services/T0/B0/x', events: ['flow_completed'], transformer: 'slack' }),
      });
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const preview = await fetch(`${url}/v1/webhooks/${id}/preview`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{}' });
      expect(preview.status).toBe(200);
    } finally {
      await child.kill();
    }
  });

  test('a TypeScript project (NodeNext) compiles against the installed types, and a wrong use does not', async () => {
    writeFileSync(
      join(ts(), 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: ['node'] }, include: ['*.ts'] }),
    );
    writeFileSync(
      join(ts(), 'receiver.ts'),
      `import { verifyWebhook, WebhookVerificationError, type VerifyOptions } from 'forjinn-webhooks/verify';
import { verifyWebhook as fromRoot, hubSignature } from 'forjinn-webhooks';

const options: VerifyOptions = { toleranceSeconds: 60 };
export function receive(body: Buffer, headers: Record<string, string | string[] | undefined>, secret: string): unknown {
  try {
    return verifyWebhook(body, headers, secret, options);
  } catch (e) {
    if (e instanceof WebhookVerificationError) return undefined;
    throw e;
  }
}
export const same: typeof verifyWebhook = fromRoot;
export const signature: string = hubSignature('secret', '{}');
// @ts-expect-error a body is a string or a Buffer: typed, not any
verifyWebhook(42, {}, 'secret');
// @ts-expect-error the options are checked
verifyWebhook('{}', {}, 'secret', { tolerance: 5 });
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const ok = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], ts());
    expect(ok).toMatchObject({ code: 0, out: '' });
    // The same project with a wrong use left in: the types are real, so it fails.
    writeFileSync(join(ts(), 'wrong.ts'), `import { verifyWebhook } from 'forjinn-webhooks/verify';\nexport const n: number = verifyWebhook('{}', {}, 1);\n`);
    const wrong = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], ts());
    expect(wrong.code).not.toBe(0);
    expect(wrong.out).toMatch(/wrong\.ts.*error TS2345/);
  });
});
