// The request log from the command line (issue 29, item 2): `deliveries list|show`, `redeliver`,
// `recover`, `events list` and `tail`, each a separate process through a running service's API,
// its output read as a user reads it (and --json as a script does). The receiver answers 204 on
// /ok and 503 on /down until the test lets it through.
import { spawn } from 'node:child_process';
import { describe, expect, test } from '@jest/globals';
import { useRig } from '../../helpers/rig.js';
import { runCli } from '../../helpers/cli.js';
import { eventually } from '../../helpers/eventually.js';
import { sampleEvent } from '../../helpers/samples.js';
import { COMPILED_BIN } from '../../helpers/bin.js';

let downIsUp = false;
const { svc, rx } = useRig({
  responder: (req, _n, res) => (req.path === '/down' && !downIsUp ? res.writeHead(503).end('busy') : res.writeHead(204).end()),
});

const cli = (...args: string[]) => runCli(['--url', svc.url, '--key', svc.key, ...args], {});

async function hook(path: string): Promise<string> {
  const res = await svc.api('POST', '/v1/webhooks', { url: `${rx.url}${path}`, events: ['*'] });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function emit(): Promise<string> {
  const id = `evt-${crypto.randomUUID()}`;
  expect((await svc.api('POST', '/v1/events', { ...sampleEvent('flow_completed'), id })).status).toBe(202);
  return id;
}

/** The webhook's delivery of the event, once it has `status` (and at least `attempts` attempts). */
async function deliveryOf(hookId: string, eventId: string, status: string, attempts = 1) {
  return eventually(
    async () => {
      const list = (await svc.api('GET', `/v1/webhooks/${hookId}/deliveries`)).body.data as Array<{ id: string; eventId: string; status: string; attempts: number }>;
      return list.find((d) => d.eventId === eventId && d.status === status && d.attempts >= attempts);
    },
    { what: `a ${status} delivery of ${eventId}` },
  );
}

describe('deliveries, events', () => {
  test('deliveries list shows each delivery on one line, newest first, with its answer; --status filters; --json is the API\'s objects', async () => {
    const ok = await hook('/ok');
    const first = await emit();
    const second = await emit();
    const d1 = await deliveryOf(ok, first, 'succeeded');
    const d2 = await deliveryOf(ok, second, 'succeeded');

    const listed = await cli('deliveries', 'list', '--webhook', ok);
    expect(listed.code).toBe(0);
    const lines = listed.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${d2.id}  succeeded  flow_completed .* 1 attempt .*→ 204  \\d+ ms$`));
    expect(lines[1]).toMatch(new RegExp(`^${d1.id}  succeeded `));

    expect((await cli('deliveries', 'list', '--webhook', ok, '--status', 'failed')).out).toBe('no deliveries\n');
    const json = JSON.parse((await cli('deliveries', 'list', '--webhook', ok, '--json')).out);
    expect(json.data.map((d: { id: string; eventId: string }) => [d.id, d.eventId])).toEqual([
      [d2.id, second],
      [d1.id, first],
    ]);
    // Created after the second: nothing; --limit 1: the newest only.
    const later = new Date(Date.parse(json.data[0].createdAt) + 1).toISOString();
    expect((await cli('deliveries', 'list', '--webhook', ok, '--since', later)).out).toBe('no deliveries\n');
    expect((await cli('deliveries', 'list', '--webhook', ok, '--limit', '1')).out).toMatch(new RegExp(`^${d2.id} [^\\n]*\\n$`));
  });

  test('deliveries list without --webhook covers every webhook of the key\'s workspace', async () => {
    const a = await hook('/ok');
    const b = await hook('/ok');
    const event = await emit();
    const [da, db] = [await deliveryOf(a, event, 'succeeded'), await deliveryOf(b, event, 'succeeded')];
    const out = (await cli('deliveries', 'list', '--limit', '500')).out;
    expect(out).toContain(`${da.id}  succeeded`);
    expect(out).toContain(`${db.id}  succeeded`);
  });

  test('deliveries show prints the event and every attempt: the signed request and the answer', async () => {
    const down = await hook('/down');
    const event = await emit();
    const d = await deliveryOf(down, event, 'failed');
    const shown = await cli('deliveries', 'show', d.id);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`delivery ${d.id}  failed`);
    expect(shown.out).toContain(`event    flow_completed  ${event}`);
    expect(shown.out).toMatch(/\nattempt 1 .* → 503/);
    expect(shown.out).toMatch(new RegExp(`\\n  POST ${rx.url}/down\\n`));
    expect(shown.out).toMatch(/\n {4}webhook-signature: v1,\S+\n/);
    expect(shown.out).toContain(`"id": "${event}"`);
    expect(shown.out).toMatch(/\n {2}answer 503\n[\s\S]*\n {4}busy\n/);
    const attempts = (shown.out.match(/\nattempt \d+ /g) ?? []).length;
    expect(JSON.parse((await cli('deliveries', 'show', d.id, '--json')).out).attempts).toHaveLength(attempts);
  });

  test('recover sends a webhook\'s failed deliveries again, redeliver one delivery: their new attempts show in the log', async () => {
    downIsUp = false;
    const down = await hook('/down');
    const event = await emit();
    const failed = await deliveryOf(down, event, 'failed');
    downIsUp = true;
    const recovered = await cli('recover', '--webhook', down);
    expect([recovered.code, recovered.out]).toEqual([0, `recovered 1 failed delivery of ${down}: queued to send again\n`]);
    const after = await deliveryOf(down, event, 'succeeded', failed.attempts + 1);
    expect(after.id).toBe(failed.id);

    const again = await cli('redeliver', failed.id);
    expect([again.code, again.out]).toEqual([0, `${failed.id} is pending again: the worker sends it now (deliveries show ${failed.id} for the answer)\n`]);
    await deliveryOf(down, event, 'succeeded', failed.attempts + 2);
  });

  test('events list shows each event with how its deliveries stand', async () => {
    const ok = await hook('/ok');
    const event = await emit();
    await deliveryOf(ok, event, 'succeeded');
    const listed = await cli('events', 'list', '--limit', '250');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(new RegExp(`(^|\\n)${event}  flow_completed .* succeeded`));
    expect(JSON.parse((await cli('events', 'list', '--json')).out).data[0].id).toBe(event);
  });
});

describe('tail', () => {
  test('prints one line per new attempt until Ctrl-C, then exits 0', async () => {
    const ok = await hook('/ok');
    const before = await emit();
    await deliveryOf(ok, before, 'succeeded');
    const proc = spawn(process.execPath, [COMPILED_BIN, '--url', svc.url, '--key', svc.key, 'tail', '--webhook', ok], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (d) => (out += d));
    proc.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    try {
      await eventually(() => /following the request log/.test(err), { what: 'tail started' });
      const event = await emit();
      const d = await deliveryOf(ok, event, 'succeeded');
      await eventually(() => out.includes(d.id), { what: "tail's line for the new attempt" });
      expect(out.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`flow_completed +${event}  ${d.id}  attempt 1  → 204  \\d+ ms  succeeded$`))]);
      // The delivery that was there before tail started is not shown.
      expect(out).not.toContain(before);
    } finally {
      proc.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});

describe('bad input', () => {
  test('without a service, a bad time or an unknown delivery: a clear error and its exit code', async () => {
    const local = await runCli(['deliveries', 'list'], {});
    expect([local.code, local.out]).toEqual([2, expect.stringMatching(/reads the request log through the service's API: give --url/)]);
    const since = await cli('deliveries', 'list', '--since', 'yesterday');
    expect([since.code, since.out]).toEqual([2, expect.stringMatching(/^--since: "yesterday" is not a time/)]);
    const missing = await cli('deliveries', 'show', '00000000-0000-4000-8000-000000000000');
    expect([missing.code, missing.out]).toEqual([1, 'error: not_found: delivery not found\n']);
    const help = await runCli(['deliveries', '--help'], {});
    expect([help.code, help.out]).toEqual([0, expect.stringMatching(/deliveries list .*\[API\]\n.*deliveries show/s)]);
  });
});
