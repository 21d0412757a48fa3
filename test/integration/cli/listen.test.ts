// `listen` (issue 29, item 1): the compiled CLI against a running service, forwarding to a local
// receiver on 127.0.0.1:0 that verifies each request with the package's verify, as a developer's
// receiver would. Events emitted through the API arrive verified and their local answers are in
// the request log; a CLI killed mid-stream loses nothing (taken up again with --listener, the
// rest arrive, through it and nowhere else); another workspace's listen sees none of them; a
// listener left without a stream is removed after FORJINN_LISTENER_TIMEOUT, its deliveries cancelled.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, test } from '@jest/globals';
import { useRig } from '../../helpers/rig.js';
import { runCli } from '../../helpers/cli.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvent } from '../../helpers/samples.js';
import { COMPILED_BIN } from '../../helpers/bin.js';
import { startReceiver, type Receiver } from '../../helpers/receiver.js';
import { dropTestData, startService, type TestService } from '../../helpers/service.js';
import { verifyWebhook } from '../../../src/services/receiving/verify.js';

const { svc } = useRig({ receiver: false });

interface Listen {
  proc: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

const running: ChildProcess[] = [];
afterAll(() => {
  for (const p of running) if (p.exitCode === null) p.kill('SIGKILL');
});

function listen(key: string, ...args: string[]): Listen {
  return listenAt(svc.url, key, ...args);
}

function listenAt(url: string, key: string, ...args: string[]): Listen {
  const proc = spawn(process.execPath, [COMPILED_BIN, '--url', url, '--key', key, 'listen', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return { proc, out: () => out, err: () => err, exited };
}

/** The listener's id and secret, once the CLI has printed them and its stream is open. */
async function started(l: Listen): Promise<{ id: string; secret: string }> {
  await eventually(() => /^ready: forwarding to /m.test(l.err()), { what: `listen ready (out: ${l.out()} err: ${l.err()})` });
  const id = /^listener (\S+)$/m.exec(l.out())![1];
  const secret = /^secret +(whsec_\S+)$/m.exec(l.out())![1];
  return { id, secret };
}

/** A local receiver that checks each request with forjinn-webhooks/verify under `secret()`: 204 when valid, 400 when not. */
async function verifyingReceiver(secret: () => string | undefined) {
  const verified: Array<{ id: string; deliveryId: string }> = [];
  const refused: string[] = [];
  const rx: Receiver = await startReceiver((req, _n, res) => {
    try {
      const event = verifyWebhook(req.body, req.headers, secret() ?? 'none') as { id: string };
      verified.push({ id: event.id, deliveryId: req.headers['webhook-id'] });
      res.writeHead(204).end();
    } catch (e) {
      refused.push((e as Error).message);
      res.writeHead(400).end('bad signature');
    }
  });
  return { rx, verified, refused };
}

async function emit(key = svc.key, type: 'flow_completed' | 'error_occurred' = 'flow_completed'): Promise<string> {
  const id = `evt-${crypto.randomUUID()}`;
  expect((await svc.api('POST', '/v1/events', { ...sampleEvent(type), id }, key)).status).toBe(202);
  return id;
}

type LoggedDelivery = { id: string; eventId: string; status: string; attempts: number; lastStatusCode: number | null; lastError: string | null };
const deliveries = async (hook: string, key = svc.key): Promise<LoggedDelivery[]> => (await svc.api('GET', `/v1/webhooks/${hook}/deliveries`, undefined, key)).body.data;

const lineOf = (event: string, status = 204) => new RegExp(`^flow_completed +${event}  → ${status}  \\d+ ms$`, 'm');

describe('listen', () => {
  test('events emitted through the API reach the local receiver signed with the printed secret; their answers are in the request log; Ctrl-C removes the listener', async () => {
    let secret: string | undefined;
    const local = await verifyingReceiver(() => secret);
    const l = listen(svc.key, '--forward-to', `${local.rx.url}/hooks`, '--events', 'flow_completed');
    try {
      const listener = await started(l);
      secret = listener.secret;
      expect(l.out()).toContain(`forwarding flow_completed of the workspace to ${local.rx.url}/hooks`);
      const events = [await emit(), await emit(), await emit()];
      await emit(svc.key, 'error_occurred'); // not subscribed: never forwarded
      for (const e of events) await eventually(() => lineOf(e).test(l.out()), { what: `the line of ${e}` });
      expect(l.out().trim().split('\n').filter((s) => s.startsWith('flow_completed'))).toHaveLength(3);
      expect(local.refused).toEqual([]);
      expect(local.verified.map((v) => v.id).sort()).toEqual([...events].sort());
      expect(local.rx.received.every((r) => r.path === '/hooks' && r.headers['x-forjinn-event'] === 'flow_completed')).toBe(true);

      // The local answers, in the listener's request log as any webhook's attempts.
      const logged = await eventually(async () => {
        const list = await deliveries(listener.id);
        return list.length === 3 && list.every((d) => d.status === 'succeeded') ? list : undefined;
      }, { what: 'three succeeded deliveries in the log' });
      expect(logged.map((d) => [d.eventId, d.attempts, d.lastStatusCode]).sort()).toEqual(events.map((e) => [e, 1, 204]).sort());
      const detail = (await svc.api('GET', `/v1/deliveries/${logged[0].id}`)).body;
      expect(detail.attempts[0]).toMatchObject({ attempt: 1, outcome: 'success', responseStatus: 204, url: `${local.rx.url}/hooks` });
      expect(detail.attempts[0].requestHeaders['webhook-signature']).toBe('v1,[redacted]');
      // The secret is in no answer of the API.
      expect(JSON.stringify((await svc.api('GET', '/v1/webhooks')).body)).not.toContain(secret);
    } finally {
      l.proc.kill('SIGINT');
    }
    expect(await l.exited).toBe(0);
    expect(l.err()).toMatch(/listener \S+ removed/);
    await local.rx.close();
  });

  test('a CLI killed mid-stream loses nothing: the deliveries it had not answered come again, through the listener taken up again, and are sent nowhere else', async () => {
    const signing: { secret?: string } = {};
    let hang = false;
    const local = await verifyingReceiver(() => signing.secret);
    const held: Array<() => void> = [];
    const first = listen(svc.key, '--forward-to', `${local.rx.url}/hooks`);
    const listener = await started(first);
    signing.secret = listener.secret;
    // Answered while the receiver holds its answers: until the CLI is killed, none.
    local.rx.respond((req, _n, res) => {
      if (hang) return void held.push(() => res.destroy());
      try {
        verifyWebhook(req.body, req.headers, signing.secret!);
        local.verified.push({ id: JSON.parse(req.body).id, deliveryId: req.headers['webhook-id'] });
        res.writeHead(204).end();
      } catch (e) {
        local.refused.push((e as Error).message);
        res.writeHead(400).end();
      }
    });
    const before = await emit();
    await eventually(() => lineOf(before).test(first.out()), { what: 'the first delivery answered' });
    hang = true;
    const later = [await emit(), await emit(), await emit()];
    // Each of them is at the receiver, its answer held: out on the stream, not answered.
    await eventually(() => later.every((e) => local.rx.received.some((r) => r.body.includes(e))), { what: 'the three requests at the receiver' });
    first.proc.kill('SIGKILL');
    await first.exited;
    for (const h of held) h();
    hang = false;
    const receivedAtKill = local.rx.received.length;
    // Still pending (given back when the stream ended): no attempt was stored for them.
    const pending = await deliveries(listener.id);
    for (const e of later) expect(pending.find((d) => d.eventId === e)).toMatchObject({ status: 'pending', attempts: 0 });

    const second = listen(svc.key, '--forward-to', `${local.rx.url}/hooks`, '--listener', listener.id);
    try {
      await eventually(() => /^ready: /m.test(second.err()), { what: 'the listener taken up again' });
      // Every one of them comes again through the new stream, once each, verified, and is logged.
      for (const e of later) await eventually(() => lineOf(e).test(second.out()), { what: `the line of ${e} from the second listen` });
      const logged = await eventually(async () => {
        const list = await deliveries(listener.id);
        return later.every((e) => list.some((d) => d.eventId === e && d.status === 'succeeded')) ? list : undefined;
      }, { what: 'the three succeeded' });
      expect(logged.filter((d) => later.includes(d.eventId)).map((d) => d.attempts)).toEqual([1, 1, 1]);
      expect(local.refused).toEqual([]);
      expect(local.rx.received.slice(receivedAtKill).map((r) => JSON.parse(r.body).id).sort()).toEqual([...later].sort());
      expect(second.out()).not.toContain(before);
    } finally {
      second.proc.kill('SIGINT');
    }
    expect(await second.exited).toBe(0);
    await local.rx.close();
  });

  test("a listen in another workspace sees none of the first's events, and cannot take up its listener", async () => {
    const otherKey = await svc.newWorkspaceKey('listen-other');
    const mine = await verifyingReceiver(() => undefined);
    const theirs = await verifyingReceiver(() => undefined);
    const a = listen(svc.key, '--forward-to', `${mine.rx.url}/a`);
    const b = listen(otherKey, '--forward-to', `${theirs.rx.url}/b`);
    try {
      const la = await started(a);
      await started(b);
      const events = [await emit(), await emit()];
      for (const e of events) await eventually(() => lineOf(e, 400).test(a.out()) || lineOf(e).test(a.out()), { what: `the line of ${e} in the first workspace` });
      // The other workspace's own event reaches its listen: it was listening all along.
      const own = await emit(otherKey);
      await eventually(() => /^flow_completed +\S+  → \d+/m.test(b.out()) && b.out().includes(own), { what: "the other workspace's own event" });
      expect(theirs.rx.received.map((r) => JSON.parse(r.body).id)).toEqual([own]);
      for (const e of events) expect(b.out()).not.toContain(e);
      const stolen = await runCli(['--url', svc.url, '--key', otherKey, 'listen', '--forward-to', `${theirs.rx.url}/b`, '--listener', la.id], {});
      expect([stolen.code, stolen.out]).toEqual([1, expect.stringContaining('error: not_found: listener not found')]);
    } finally {
      a.proc.kill('SIGINT');
      b.proc.kill('SIGINT');
    }
    expect([await a.exited, await b.exited]).toEqual([0, 0]);
    await mine.rx.close();
    await theirs.rx.close();
  });

  test('bad input: a clear error and a non-zero exit, from the CLI and from the API', async () => {
    const badUrl = await runCli(['--url', svc.url, '--key', svc.key, 'listen', '--forward-to', 'ftp://localhost/x'], {});
    expect([badUrl.code, badUrl.out]).toEqual([2, expect.stringMatching(/^--forward-to: expected an http:\/\/ or https:\/\/ URL, got ftp:/)]);
    const missing = await runCli(['--url', svc.url, '--key', svc.key, 'listen'], {});
    expect([missing.code, missing.out]).toEqual([2, expect.stringMatching(/^missing --forward-to/)]);
    const noService = await runCli(['listen', '--forward-to', 'http://localhost:4000/hooks'], {});
    expect([noService.code, noService.out]).toEqual([2, expect.stringMatching(/listen .*through the service's API: give --url/)]);
    const badKey = await runCli(['--url', svc.url, '--key', 'fjk_nope', 'listen', '--forward-to', 'http://localhost:4000/hooks'], {});
    expect([badKey.code, badKey.out]).toEqual([1, expect.stringMatching(/^error: unauthorized: /)]);
    const down = await runCli(['--url', 'http://127.0.0.1:9', '--key', svc.key, 'listen', '--forward-to', 'http://localhost:4000/hooks'], {});
    expect([down.code, down.out]).toEqual([1, expect.stringMatching(/^error: cannot reach http:\/\/127.0.0.1:9/)]);
    const api = await svc.api('POST', '/v1/listeners', { forwardTo: 'nope', events: ['flow_completed'] });
    expect([api.status, api.body.error.code, api.body.error.field]).toEqual([400, 'validation_error', 'forwardTo']);
    const events = await svc.api('POST', '/v1/listeners', { forwardTo: 'http://localhost:4000/', events: ['nope'] });
    expect([events.status, events.body.error.field]).toEqual([400, 'events.0']);
  });
});

describe('a listener with no stream', () => {
  test('is removed after FORJINN_LISTENER_TIMEOUT, its queued deliveries cancelled with the reason, never sent', async () => {
    const short = await startService({ FORJINN_LISTENER_TIMEOUT: '1s' });
    try {
      const created = await short.api('POST', '/v1/listeners', { forwardTo: 'http://127.0.0.1:9/hooks' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ forwardTo: 'http://127.0.0.1:9/hooks', events: ['*'], timeoutMs: 1000, secret: expect.stringMatching(/^whsec_/) });
      const id = `evt-${crypto.randomUUID()}`;
      expect((await short.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id })).status).toBe(202);
      const row = await eventually(async () => {
        const { rows } = await short.rt.ctx.db.pool.query<{ status: string; attempts: number; last_error: string }>(
          'select status, attempts, last_error from deliveries where webhook_id = $1',
          [created.body.id],
        );
        return rows[0]?.status === 'cancelled' ? rows[0] : undefined;
      }, { what: 'the queued delivery cancelled' });
      expect(row).toEqual({ status: 'cancelled', attempts: 0, last_error: 'listener removed: no stream for 1.0 s' });
      expect((await short.api('GET', `/v1/webhooks/${created.body.id}`)).status).toBe(404);
      expect((await short.api('GET', `/v1/listeners/${created.body.id}/stream`)).status).toBe(404);
    } finally {
      await short.close();
    }
  });
});

describe('the service restarting under a running listen', () => {
  test('the CLI reconnects when the service is back, the listener kept, and the next event arrives through it', async () => {
    const first = await startService();
    const again = {
      DATA_DIR: first.dataDir,
      PORT: new URL(first.url).port,
      FORJINN_MASTER_KEY: first.env.FORJINN_MASTER_KEY,
      ...(first.env.DATABASE_SCHEMA ? { DATABASE_SCHEMA: first.env.DATABASE_SCHEMA } : {}),
    };
    let second: TestService | undefined;
    let firstOpen = true;
    let secret: string | undefined;
    const local = await verifyingReceiver(() => secret);
    const l = listenAt(first.url, first.key, '--forward-to', `${local.rx.url}/hooks`);
    const event = async (s: TestService) => {
      const id = `evt-${crypto.randomUUID()}`;
      expect((await s.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id })).status).toBe(202);
      return id;
    };
    try {
      const listener = await started(l);
      secret = listener.secret;
      const before = await event(first);
      await eventually(() => lineOf(before).test(l.out()), { what: `the line of ${before}` });
      // Its answer stored (else, given back at the stop, it would rightly come again after it).
      await eventually(async () => ((await first.api('GET', `/v1/webhooks/${listener.id}/deliveries`)).body.data as LoggedDelivery[]).some((d) => d.eventId === before && d.status === 'succeeded'), {
        what: `${before} succeeded in the log`,
      });
      // The service stops (SIGTERM's path: its streams end) and comes back on the same port and database.
      await first.close({ keepData: true });
      firstOpen = false;
      await eventually(() => /^stream lost; reconnecting/m.test(l.err()), { what: `the CLI noticing (err: ${l.err()})` });
      second = await startService(again);
      // Its reconnects back off up to 10 s apart: a generous wait for the next one.
      await eventually(() => (l.err().match(/^ready: forwarding to /gm) ?? []).length >= 2, { what: `the CLI back on its stream (err: ${l.err()})`, timeoutMs: 60_000 });
      const after = await event(second);
      await eventually(() => lineOf(after).test(l.out()), { what: `the line of ${after}` });
      expect(local.refused).toEqual([]);
      expect(local.verified.map((v) => v.id)).toEqual([before, after]);
      expect(l.err()).not.toMatch(/removed/);
      expect(l.proc.exitCode).toBeNull();
    } finally {
      l.proc.kill('SIGINT');
      await l.exited;
      await local.rx.close();
      if (second) await second.close();
      else if (firstOpen) await first.close();
      else await dropTestData(first.env);
    }
  });
});
