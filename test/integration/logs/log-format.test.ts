// LOG_FORMAT: the service's log lines are one readable line per message on a terminal (a real
// one, made by `script`) or with LOG_FORMAT=pretty, JSON on a pipe or with LOG_FORMAT=json, a bad
// value stops the start naming the setting, and in both forms no key, secret or URL gets through.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, test } from '@jest/globals';
import { dropTestData, templateEnv } from '../../helpers/service.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { exitOf, spawnService, type Child } from '../../helpers/child.js';
import { eventually } from '../../helpers/eventually.js';
import { COMPILED_BIN as BIN } from '../../helpers/bin.js';

const SECRET = `whsec_${Buffer.from('log-format-test-secret-32-bytes!').toString('base64')}`;
const envs: Array<Record<string, string>> = [];
const children: Child[] = [];
const procs: ChildProcess[] = [];
let rx: Receiver | undefined;
afterAll(async () => {
  for (const c of children) await c.kill('SIGKILL');
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const e of envs) await dropTestData(e);
  await rx?.close();
});

function env(extra: Record<string, string>) {
  const e = templateEnv({ LOG_LEVEL: 'debug', ...extra });
  envs.push(e);
  return e;
}

/** The lines of the output that are log lines, not the start banner (which prints the new key on purpose). */
const logLines = (out: string, pretty: boolean) =>
  out
    .split(/\r?\n/)
    .map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))
    .filter((l) => (pretty ? /^\[\d\d:\d\d:\d\d\.\d{3}\] [A-Z]+:/.test(l) : l.startsWith('{')));

/** Creates a webhook with a secret and a URL token, sends one event, waits for its 'delivered' line. */
async function deliverOne(child: Child): Promise<string[]> {
  rx ??= await startReceiver();
  const call = (path: string, body: unknown) =>
    fetch(`${child.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${child.key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const hook = await call('/v1/webhooks', { url: `${rx.url}/hook/url-token-abc123`, events: ['*'], secret: SECRET });
  expect([hook.status, hook.status === 201 ? '' : await hook.text()]).toEqual([201, '']);
  expect((await call('/v1/events', { event: 'flow_completed', id: `log-${Date.now()}`, chatflowId: 'cf' })).status).toBe(202);
  await eventually(() => /delivered/.test(child.output()), { what: 'the delivered line' });
  return [child.key!, SECRET, 'url-token-abc123'];
}

describe('piped stdout', () => {
  test('LOG_FORMAT=pretty: readable lines with level names and messages, not JSON, no secret', async () => {
    const child = await spawnService('serve', env({ LOG_FORMAT: 'pretty' }), { waitFor: /fjk_\S+\n/ });
    children.push(child);
    const secrets = await deliverOne(child);
    const out = child.output();
    const lines = logLines(out, true);
    expect(lines.some((l) => /\] INFO: listening /.test(l))).toBe(true);
    expect(lines.some((l) => /\] INFO: delivered /.test(l))).toBe(true);
    expect(lines.some((l) => /\] WARN: FORJINN_ALLOW_PRIVATE/.test(l))).toBe(true);
    // No line of the output is a JSON log line.
    expect(out.split(/\r?\n/).filter((l) => l.startsWith('{"level"'))).toEqual([]);
    for (const s of secrets) expect(lines.filter((l) => l.includes(s))).toEqual([]);
    expect(await exitOf(child, 'SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);

  test('unset: JSON lines (a pipe is for machines), no secret', async () => {
    const child = await spawnService('serve', env({}), { waitFor: /fjk_\S+\n/ });
    children.push(child);
    const secrets = await deliverOne(child);
    const lines = logLines(child.output(), false);
    const parsed = lines.map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(parsed.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'delivered']));
    expect(parsed.every((l) => typeof l.level === 'number')).toBe(true);
    expect(logLines(child.output(), true)).toEqual([]);
    for (const s of secrets) expect(lines.filter((l) => l.includes(s))).toEqual([]);
    expect(await exitOf(child, 'SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);

  test('a bad LOG_FORMAT stops the start, naming the setting', async () => {
    const e = env({ LOG_FORMAT: 'xml' });
    const proc = spawn(process.execPath, [BIN, 'serve'], { env: { PATH: process.env.PATH ?? '', ...e }, stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(proc); // a start that goes on (the setting not checked) is stopped after the test
    let err = '';
    proc.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => proc.once('exit', r));
    expect(code).toBe(1);
    expect(err).toMatch(/LOG_FORMAT="xml": expected pretty or json/);
  }, 60_000);
});

describe('a terminal (script)', () => {
  /** Runs `serve` on a pseudo-terminal made by util-linux `script`; answers its output as it comes. */
  async function onTerminal(extra: Record<string, string>) {
    const e = env(extra);
    const proc = spawn('script', ['-qec', `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} serve`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...e },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (out += d));
    const stop = () => new Promise<void>((r) => (proc.exitCode !== null ? r() : (proc.once('exit', () => r()), proc.kill('SIGTERM'))));
    try {
      // The key and the 'listening' log line: the banner is written at once, a log line may follow it.
      await eventually(() => /fjk_\S+\r?\n/.test(out) && /listening/.test(out.replace(/forjinn-webhooks is listening/g, '')), {
        timeoutMs: 120_000,
        what: "the bootstrap key and the 'listening' line on the terminal",
      });
      return out;
    } finally {
      await stop();
    }
  }

  test('unset: pretty lines with level names and messages, the banner after them', async () => {
    const out = await onTerminal({});
    const lines = logLines(out, true);
    expect(lines.some((l) => /\] INFO: listening /.test(l))).toBe(true);
    expect(out).not.toMatch(/\{"level":/);
    expect(out).toMatch(/forjinn-webhooks is listening on http:\/\/127\.0\.0\.1:\d+/);
    // Only the banner shows the key, never a log line.
    const key = /(fjk_\S+)/.exec(out)![1];
    expect(lines.filter((l) => l.includes(key))).toEqual([]);
  }, 150_000);

  test('LOG_FORMAT=json forces JSON on a terminal', async () => {
    const out = await onTerminal({ LOG_FORMAT: 'json' });
    const lines = logLines(out, false);
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('listening');
    expect(logLines(out, true)).toEqual([]);
  }, 150_000);
});
