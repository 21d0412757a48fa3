// `forjinn-webhooks prune` as a cron user runs it, beside a running service (issue 13): a process
// of its own on the service's database (PGlite: through the service's socket) removes finished
// history older than FORJINN_RETENTION and says what it removed; a second run has nothing to
// remove; a delivery still retrying stays, with its event. Old history is made by the real
// service (events delivered through a receiver), then moved three days back: part_at and the
// times set in the past, into partitions created for that hour as store/retention.ts makes them.
import { beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { eventually } from '../../helpers/eventually.js';
import { useRig } from '../../helpers/rig.js';
import { runCli } from '../../helpers/cli.js';
import { partitionWidth } from '../../../src/store/retention.js';

const DAY = 86_400_000;
const RETENTION = '1d';
const OLD_DONE = ['old-1', 'old-2', 'old-3'];
const OLD_PENDING = 'old-pending';

let okHook: string;
let oldPartitions: string[];
let oldDeliveryIds: string[];

const q = async <T extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []) => (await svc.rt.ctx.db.pool.query<T>(text, values)).rows;
const count = async (text: string, values: unknown[] = []) => Number((await q<{ n: string }>(text, values))[0].n);
const prune = (args: string[] = [], env: Record<string, string> = {}) => runCli(['prune', ...args], { ...svc.env, ...env });

const { svc, rx } = useRig({
  // A retry an hour away: the failing delivery stays pending, untouched, for the whole file.
  env: { FORJINN_RETENTION: RETENTION, FORJINN_RETRY_DELAYS: '1h' },
  responder: (req, _n, res) => void res.writeHead(req.path.startsWith('/retry') ? 503 : 200).end(),
});

beforeAll(async () => {
  okHook = (await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/ok`, events: ['flow_completed'] })).body.id;
  await svc.api('POST', '/v1/webhooks', { url: `${rx.url}/retry`, events: ['error_occurred'] });
  for (const id of [...OLD_DONE, 'new-1']) expect((await svc.api('POST', '/v1/events', { event: 'flow_completed', id, chatflowId: 'cf' })).status).toBe(202);
  expect((await svc.api('POST', '/v1/events', { event: 'error_occurred', id: OLD_PENDING, error: { message: 'boom' } })).status).toBe(202);
  await eventually(async () => (await count(`select count(*) as n from deliveries where status = 'succeeded'`)) === 4, { what: 'four deliveries succeeded' });
  await eventually(async () => (await count(`select count(*) as n from deliveries where status = 'pending' and attempts = 1`)) === 1, { what: 'the failing delivery waiting for its retry' });

  // Three days back, into partitions of that hour (the width prune uses for a 1d retention).
  const width = partitionWidth(DAY);
  const from = new Date(Math.floor((Date.now() - 3 * DAY) / width) * width);
  const to = new Date(from.getTime() + width);
  const stamp = from.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  oldPartitions = ['events', 'deliveries', 'attempts'].map((t) => `${t}_p${stamp}`);
  for (const [i, t] of ['events', 'deliveries', 'attempts'].entries()) {
    await q(`create table ${oldPartitions[i]} partition of ${t} for values from ('${from.toISOString()}') to ('${to.toISOString()}')`);
  }
  const old = [...OLD_DONE, OLD_PENDING];
  const at = new Date(from.getTime() + 60_000);
  const events = (await q<{ id: string }>('update events set part_at = $1, created_at = $1 where external_id = any($2) returning id', [at, old])).map((r) => r.id);
  await q('update event_keys set part_at = $1 where external_id = any($2)', [at, old]);
  const deliveries = await q<{ id: string; status: string }>(
    `update deliveries set part_at = $1, created_at = $1, completed_at = case when status = 'pending' then null else $1::timestamptz end
     where event_id = any($2) returning id, status`,
    [at, events],
  );
  await q('update attempts set part_at = $1, created_at = $1 where delivery_id = any($2)', [at, deliveries.map((d) => d.id)]);
  oldDeliveryIds = deliveries.filter((d) => d.status !== 'pending').map((d) => d.id);
  expect(oldDeliveryIds).toHaveLength(3);
  // The old history is in the old partitions: 4 events, 4 deliveries, 4 attempts.
  for (const p of oldPartitions) expect(await count(`select count(*) as n from ${p}`)).toBe(4);
}, 120_000);

describe('forjinn-webhooks prune', () => {
  test('--help says what it does', async () => {
    const help = await prune(['--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('forjinn-webhooks prune [--retention <duration>]');
    expect(help.out).toContain('FORJINN_RETENTION');
  });

  test('removes the finished history older than FORJINN_RETENTION, keeps the retrying delivery and its event, says so', async () => {
    const run = await prune();
    expect(run.code).toBe(0);
    expect(run.out.trim()).toMatch(
      /^Removed finished history before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(older than 1 day\): 3 partitions of events, deliveries and attempts dropped, 3 idempotency keys removed\. 1 delivery still retrying kept, with its event\.$/,
    );
    // The tables: the old partitions are gone, and with them the finished rows and their keys.
    for (const p of oldPartitions) expect((await q<{ r: string | null }>('select to_regclass($1)::text as r', [p]))[0].r).toBeNull();
    expect(await count('select count(*) as n from events where external_id = any($1)', [OLD_DONE])).toBe(0);
    expect(await count('select count(*) as n from event_keys where external_id = any($1)', [OLD_DONE])).toBe(0);
    expect(await count('select count(*) as n from deliveries where id = any($1)', [oldDeliveryIds])).toBe(0);
    expect(await count('select count(*) as n from attempts where delivery_id = any($1)', [oldDeliveryIds])).toBe(0);
    // The API: the old events are gone, the new one and the retrying one are there.
    for (const id of OLD_DONE) expect((await svc.api('GET', `/v1/events/${id}`)).status).toBe(404);
    const log = await svc.api('GET', `/v1/webhooks/${okHook}/deliveries`);
    expect(log.body.data.map((d: { eventId: string }) => d.eventId)).toEqual(['new-1']);
    const pending = await svc.api('GET', `/v1/events/${OLD_PENDING}`);
    expect(pending.status).toBe(200);
    expect(pending.body.deliveries.map((d: { status: string }) => d.status)).toEqual(['pending']);
    // Its idempotency key too: the same id is still a duplicate.
    expect((await svc.api('POST', '/v1/events', { event: 'error_occurred', id: OLD_PENDING, error: { message: 'boom' } })).status).toBe(200);
  }, 60_000);

  test('a second run has nothing to remove', async () => {
    const run = await prune();
    expect(run.code).toBe(0);
    expect(run.out.trim()).toMatch(/^Nothing to remove: no finished history before \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(older than 1 day\)\.$/);
    expect(await count('select count(*) as n from events')).toBe(2);
  }, 60_000);

  test('retention 0 (the setting or --retention) removes nothing and says so; a retention under a minute is refused', async () => {
    const setting = await prune([], { FORJINN_RETENTION: '0' });
    expect([setting.code, setting.out.trim()]).toEqual([0, 'FORJINN_RETENTION=0: history is kept forever; nothing removed.']);
    const flag = await prune(['--retention', '0']);
    expect([flag.code, flag.out.trim()]).toEqual([0, '--retention=0: history is kept forever; nothing removed.']);
    const short = await prune(['--retention', '10s']);
    expect(short.code).toBe(2);
    expect(short.out).toContain('--retention: "10s" is shorter than a minute');
  }, 60_000);
});
