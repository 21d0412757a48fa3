// Every change of a delivery's status (and of its lease), and nothing else changes one: a
// delivery is created (by ingest, leased to this process's worker: the hand-off; or by Send Test),
// claimed and leased, given back, closed when its webhook went away, moved on by its attempt's
// result, put back to pending (redeliver, recover), cancelled (webhook deleted) or failed
// (webhook disabled); or created `muted` (a live mute of its chatflow: final, never sent).
import pg from 'pg';
import type { Database, Queryable } from '../database.js';
import type { FinishedAttempt } from '../attempts.js';
import type { NewEvent } from '../events.js';
import { nearPartAt, type ClaimedRow, type Lease } from './row.js';
import { NEAR_PART_AT } from '../alert-groups.js';

/** How many rows each webhook may take: `caps[i]` for `hooks[i]`, `defaultCap` for any other. */
export interface HookCaps {
  hooks: string[];
  caps: number[];
  defaultCap: number;
}

const NO_CAPS: HookCaps = { hooks: [], caps: [], defaultCap: 2_147_483_647 };

// ---- Created: the ingest statement, and the hand-off ----

// Hand-off: when a worker runs in the ingesting process, the ingest statement leases the new
// deliveries to it in the same commit, and the worker sends them at once. No claim, no NOTIFY,
// no second update of each row. The lease is the claim's lease: if this process dies, it runs
// out and any worker claims the rows. Rows over the worker's room stay unleased for claims.

/** What one ingest statement may lease to the local worker: rows in all, and per webhook (the claim's caps). */
export interface LeasePlan extends HookCaps {
  /** The lease token of the rows this statement leases (unique to the statement). */
  lease: string;
  leaseMs: number;
  /** Rows in all. */
  limit: number;
}

/** The plan's statement parameters (limit 0 leases nothing). */
function leaseParams(plan: LeasePlan | null): [number, number, string, string[], number[], number] {
  if (!plan) return [0, 0, '', [], [], 0];
  return [plan.limit, plan.leaseMs, plan.lease, plan.hooks, plan.caps, plan.defaultCap];
}

// Filters: an empty or absent list matches everything; a non-empty one must contain the
// event's id of that kind (an event without that id does not match). One statement for a whole
// batch: it is its own transaction, so every event in it and all its deliveries commit together.
// With a worker in this process, new deliveries are leased to it in the same statement, up to
// its room ($10 rows in all, per webhook the caps $13/$14 or $15); the rest wait for a claim,
// and only those need the NOTIFY. $16/$17: each event's trace (core/trace.ts), null without one.
const INGEST_SQL = `
with given as (
  select * from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $16::text[], $17::text[])
    with ordinality as i(external_id, event_type, payload, chatflow_id, agent_id, dataset_id, trace_parent, trace_state, ord)
),
-- The same id twice in one batch: the first one counts, the rest are duplicates.
input as (select distinct on (external_id) * from given order by external_id, ord),
matches as (
  select i.external_id, i.ord, w.id as webhook_id, coalesce(w.max_attempts, $8) as attempt_limit, mu.id as mute_id, mu.until as muted_until,
    w.listener_until is not null as listener
  from input i join webhooks w on w.workspace_id = $1 and w.enabled and w.deleted_at is null
    and (i.event_type = any(w.events) or '*' = any(w.events))
    and (coalesce(jsonb_array_length(w.filters->'chatflowIds'), 0) = 0 or w.filters->'chatflowIds' ? i.chatflow_id)
    and (coalesce(jsonb_array_length(w.filters->'agentIds'), 0) = 0 or w.filters->'agentIds' ? i.agent_id)
    and (coalesce(jsonb_array_length(w.filters->'datasetIds'), 0) = 0 or w.filters->'datasetIds' ? i.dataset_id)
  -- A live mute of the event's chatflow for this webhook (store/mutes.ts): its delivery is stored
  -- as 'muted', final, never leased nor sent. The mute that lasts longest is the one named.
  left join lateral (
    select m.id, m.until from mutes m
    where m.workspace_id = $1 and m.chatflow_id = i.chatflow_id and m.until > now()
      and (m.webhook_id = w.id or (m.slack_channel = w.origin->>'channel' and w.origin->>'source' = 'slack' and w.origin->>'kind' = 'subscription'))
    order by m.until desc limit 1
  ) mu on true
),
-- The idempotency key decides: an id already kept in the workspace is a duplicate (event_keys is
-- unpartitioned, so the key holds across the partitions of events).
keys as (
  insert into event_keys (workspace_id, external_id, event_id, part_at)
  select $1, i.external_id, gen_random_uuid(), now() from input i
  on conflict (workspace_id, external_id) do nothing
  returning external_id, event_id
),
ev as (
  insert into events (id, workspace_id, external_id, event_type, payload, trace_parent, trace_state, deliveries_count)
  select k.event_id, $1, i.external_id, i.event_type, i.payload, i.trace_parent, i.trace_state, (select count(*) from matches m where m.external_id = i.external_id)
  from input i join keys k on k.external_id = i.external_id
  returning id, external_id, event_type, deliveries_count
),
fits as (
  select ev.id as event_id, ev.event_type, m.webhook_id, m.attempt_limit, m.mute_id, m.muted_until, m.listener,
    -- A listener's deliveries wait for its stream (services/listeners): never handed to a worker.
    m.mute_id is null and not m.listener and row_number() over (partition by m.webhook_id, m.mute_id is null order by m.ord) <= coalesce(cap.n, $15) as fits
  from ev join matches m on m.external_id = ev.external_id
    left join unnest($13::uuid[], $14::int[]) as cap(webhook_id, n) on cap.webhook_id = m.webhook_id
),
picked as (select *, fits and row_number() over (partition by fits order by event_id) <= $10 as leased from fits),
d as (
  insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit, locked_until, locked_by, tries, status, completed_at, last_error, listener)
  select $1, webhook_id, event_id, event_type, attempt_limit,
    case when leased then now() + make_interval(secs => $11::float8 / 1000) end, case when leased then $12 end,
    case when leased then 1 else 0 end,
    case when mute_id is null then 'pending' else 'muted' end,
    case when mute_id is not null then now() end,
    case when mute_id is not null then 'muted until ' || to_char(muted_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' (mute ' || mute_id || ')' end,
    listener
  from picked
  returning id, part_at, event_id, webhook_id, attempt_limit, locked_by is not null as leased, status = 'pending' as queued
),
queued as (select event_id, count(*) as n from d where d.queued group by event_id),
handed as (
  select d.event_id, array_agg(d.id) as ids, array_agg(d.part_at) as parts, array_agg(d.webhook_id) as hooks,
    array_agg(d.attempt_limit) as limits, array_agg(w.updated_at) as versions
  from d join webhooks w on w.id = d.webhook_id where d.leased group by d.event_id
)
select ev.external_id, ev.deliveries_count::int as deliveries, h.ids, h.parts, h.hooks, h.limits, h.versions,
  -- Workers in other processes listen (PostgreSQL only); sent at commit, not before.
  case when $9 and coalesce(q.n, 0) > coalesce(cardinality(h.ids), 0) then pg_notify('forjinn_deliveries', '') end as notified
from ev left join handed h on h.event_id = ev.id left join queued q on q.event_id = ev.id`;

/**
 * One per event the statement created; ids, partitions (part_at), hooks, limits and versions of
 * the deliveries leased to the local worker (their lease token is the plan's `lease`, attempt 1).
 */
export interface IngestedEvent {
  external_id: string;
  deliveries: number;
  ids: string[] | null;
  parts: Date[] | null;
  hooks: string[] | null;
  limits: number[] | null;
  versions: Date[] | null;
}

/** Writes events and their deliveries in one statement, leasing to `plan` what it has room for. */
export async function insertEventsWithDeliveries(
  db: Queryable,
  workspaceId: string,
  events: NewEvent[],
  defaultAttempts: number,
  notify: boolean,
  plan: LeasePlan | null,
): Promise<IngestedEvent[]> {
  const col = <T>(f: (e: NewEvent) => T) => events.map(f);
  const { rows } = await db.query<IngestedEvent>({
    name: 'ingest-events',
    text: INGEST_SQL,
    values: [
      workspaceId, col((e) => e.id), col((e) => e.type), col((e) => e.payload), col((e) => e.chatflowId), col((e) => e.agentId), col((e) => e.datasetId),
      defaultAttempts, notify, ...leaseParams(plan), col((e) => e.trace?.parent ?? null), col((e) => e.trace?.state ?? null),
    ],
  });
  return rows;
}

/**
 * Hears the ingest statement's NOTIFY (PostgreSQL only): new deliveries no worker was handed.
 * Its own connection, outside the pool (a LISTEN lives as long as its session): `onNotify` for
 * each notification; `onLost` once the connection is lost after it was set up (a failure to set
 * it up is thrown instead, with the connection closed). Answers a function that closes it.
 */
export async function listenForDeliveries(
  db: Pick<Database, 'clientConfig'>,
  handlers: { onNotify: () => void; onLost: (err: Error) => void },
): Promise<{ close(): Promise<void> }> {
  const client = new pg.Client(db.clientConfig);
  let ready = false;
  client.on('error', (err) => {
    if (ready) handlers.onLost(err);
  });
  try {
    await client.connect();
    client.on('notification', handlers.onNotify);
    await client.query('listen forjinn_deliveries');
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
  ready = true;
  return { close: () => client.end().catch(() => {}) };
}

/** Send Test's delivery (one attempt), beside its event. */
export async function insertTestDelivery(db: Queryable, workspaceId: string, webhookId: string, eventId: string, eventType: string, lease: string): Promise<Lease> {
  // Leased from the start (attempt 1) so no worker picks it up while this request sends it.
  const { rows: dRows } = await db.query<Lease>(
    `insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit, next_attempt_at, locked_until, locked_by, tries)
     values ($1, $2, $3, $4, 1, now() + interval '10 minutes', now() + interval '10 minutes', $5, 1) returning id, part_at, locked_by`,
    [workspaceId, webhookId, eventId, eventType, lease],
  );
  return dRows[0];
}

// ---- Claimed, leased, given back, closed ----

// The queue is the deliveries table. A claim takes due rows with `for update skip locked` and
// leases them with locked_until: a worker that dies simply lets the lease run out and the rows
// become claimable again for any other worker. The lease touches no indexed column, so the
// claim's update can stay on its page (HOT) instead of rewriting the due index.

// Of the rows locked, each webhook gets at most its cap ($5/$6, others $7): the claim takes the
// oldest rows whatever their webhook, and one webhook's backlog must not fill every slot. Rows
// locked and not leased are free again when the statement commits. Rows are found again by
// (id, part_at), the primary key: with part_at PostgreSQL looks in the one partition holding it.
const LEASE_AND_RETURN = `,
capped as (
  select r.id, r.part_at from (
    select due.id, due.part_at, due.webhook_id, row_number() over (partition by due.webhook_id order by due.next_attempt_at) as n from due
  ) r left join unnest($5::uuid[], $6::int[]) as cap(webhook_id, n) on cap.webhook_id = r.webhook_id
  where r.n <= coalesce(cap.n, $7)
)
update deliveries d
set locked_until = now() + make_interval(secs => $2::float8 / 1000),
    locked_by = $4,
    tries = greatest(d.tries, d.attempts) + 1
from capped due, events e, webhooks w
where d.id = due.id and d.part_at = due.part_at and e.id = d.event_id and w.id = d.webhook_id
returning d.id, d.part_at, d.locked_by, d.tries as attempt, d.webhook_id, d.attempt_limit, d.next_trigger, d.event_type, e.payload, e.is_test, e.external_id, e.trace_parent, e.trace_state,
  w.updated_at as webhook_updated_at, w.enabled as webhook_enabled, (w.deleted_at is not null) as webhook_deleted`;

const CLAIM_SQL = `
with due as (
  select id, part_at, webhook_id, next_attempt_at from deliveries
  where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until < now())
    and not listener and not (webhook_id = any($3::uuid[]))
  order by next_attempt_at
  limit $1
  for update skip locked
)${LEASE_AND_RETURN}`;

// The same, looking only at the $8 oldest due rows: a claim that skips webhooks would otherwise
// scan past every due row of theirs (a whole backlog) to find the others'.
const CLAIM_WINDOW_SQL = `
with win as materialized (
  select id, part_at from deliveries where status = 'pending' and next_attempt_at <= now() and not listener
  order by next_attempt_at limit $8
),
due as (
  select d.id, d.part_at, d.webhook_id, d.next_attempt_at from win join deliveries d on d.id = win.id and d.part_at = win.part_at
  where d.status = 'pending' and d.next_attempt_at <= now() and (d.locked_until is null or d.locked_until < now())
    and not d.listener and not (d.webhook_id = any($3::uuid[]))
  order by d.next_attempt_at
  limit $1
  for update of d skip locked
)${LEASE_AND_RETURN}`;

// A listener's due deliveries (services/listeners), for the API process holding its stream: the
// same lease as a worker's claim, on the rows workers skip.
const CLAIM_LISTENER_SQL = `
with due as (
  select id, part_at, webhook_id, next_attempt_at from deliveries
  where webhook_id = $3::uuid and listener and status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until < now())
  order by next_attempt_at
  limit $1
  for update skip locked
)${LEASE_AND_RETURN}`;

/** Leases up to `limit` due deliveries of listener `webhookId`, oldest first (workers never take them). */
export async function claimListenerDue(db: Queryable, webhookId: string, limit: number, leaseMs: number, lease: string): Promise<ClaimedRow[]> {
  const { rows } = await db.query<ClaimedRow>(CLAIM_LISTENER_SQL, [limit, leaseMs, webhookId, lease, NO_CAPS.hooks, NO_CAPS.caps, NO_CAPS.defaultCap]);
  return rows;
}

/**
 * Leases up to `limit` due deliveries, oldest first, skipping `skipWebhooks`, at most each
 * webhook's cap. With `window`, only the `window` oldest due rows are looked at (bounded cost;
 * rows behind them wait for a claim without it).
 */
export async function claimDue(
  db: Queryable,
  limit: number,
  leaseMs: number,
  skipWebhooks: string[],
  lease: string,
  opts: { window?: number; caps?: HookCaps } = {},
): Promise<ClaimedRow[]> {
  const { hooks, caps, defaultCap } = opts.caps ?? NO_CAPS;
  const window = opts.window;
  // Not a named prepared statement: PostgreSQL's generic plan for it (LIMIT and the skip list
  // unknown) estimates one row, and on a 1M-row queue that plan is a seq scan and a sort, 327 ms
  // against 7 ms for the planned-each-time index scan (EXPLAIN in docs/performance.md).
  const { rows } =
    window === undefined
      ? await db.query<ClaimedRow>(CLAIM_SQL, [limit, leaseMs, skipWebhooks, lease, hooks, caps, defaultCap])
      : await db.query<ClaimedRow>(CLAIM_WINDOW_SQL, [limit, leaseMs, skipWebhooks, lease, hooks, caps, defaultCap, window]);
  return rows;
}

// Every write after a lease goes through the lease: the row by its primary key and only while it
// is still this lease's. The id with part_at (within the millisecond JavaScript holds it to:
// nearPartAt; an equality matched no row, so every result took a second statement by id alone
// over every partition) finds the row; a row a prune moved on
// (store/retention.ts: a kept row gets a later part_at) is looked for by id alone, which only a
// fenced or moved row is (rare): the common path touches one partition.

/** Extra columns beside each lease, as `name type` (e.g. `status text`), read in `set` as l.<name>. */
type LeaseColumns = Array<{ decl: string; values: unknown[] }>;

const leaseKey = (l: Pick<Lease, 'id' | 'locked_by'>) => `${l.id} ${l.locked_by}`;

/**
 * Runs `update deliveries d set <set> from <the leases as l>` where the row is still the lease's,
 * by (id, part_at), then by id alone for the leases it did not find there (moved by a prune).
 * Answers the leases (leaseKey) whose row it changed: any other was taken over or given up.
 */
async function throughLeases(db: Queryable, leases: Lease[], set: string, columns: LeaseColumns = [], name?: string): Promise<Set<string>> {
  const run = async (idx: number[], byPart: boolean) => {
    const decls = ['id uuid', 'part_at timestamptz', 'locked_by text', ...columns.map((c) => c.decl)];
    const params = decls.map((d, i) => `$${i + 1}::${d.split(' ').slice(1).join(' ')}[]`);
    const text = `update deliveries d set ${set}
      from unnest(${params.join(', ')}) as l(${decls.map((d) => d.split(' ')[0]).join(', ')})
      where d.id = l.id${byPart ? ` and ${nearPartAt('d.part_at', 'l.part_at')}` : ''} and d.locked_by = l.locked_by
      returning l.id, l.locked_by`;
    const pick = <T>(values: T[]) => idx.map((i) => values[i]);
    const values = [pick(leases.map((l) => l.id)), pick(leases.map((l) => l.part_at)), pick(leases.map((l) => l.locked_by)), ...columns.map((c) => pick(c.values))];
    const { rows } = await db.query<{ id: string; locked_by: string }>(name && byPart ? { name, text, values } : { text, values });
    return rows.map(leaseKey);
  };
  const all = leases.map((_, i) => i);
  const done = new Set(await run(all, true));
  const rest = all.filter((i) => !done.has(leaseKey(leases[i])));
  if (rest.length > 0) for (const k of await run(rest, false)) done.add(k);
  return done;
}

/**
 * Gives leased rows back so another worker takes them at once (at shutdown, or rows the worker
 * will not send): their lease's attempt number is handed back too, as no request went out.
 */
export async function releaseLeases(db: Queryable, leases: Lease[]): Promise<void> {
  if (leases.length === 0) return;
  await throughLeases(db, leases, 'locked_until = null, locked_by = null, tries = greatest(d.tries - 1, d.attempts)');
}

/**
 * Gives leased rows back not due before `due` (the worker's pacer has no slot for them within
 * their lease): no request went out, so their attempt number is handed back too, and no claim
 * takes them before then.
 */
export async function postponeLeases(db: Queryable, leases: Lease[], due: Date): Promise<void> {
  if (leases.length === 0) return;
  await throughLeases(db, leases, 'locked_until = null, locked_by = null, tries = greatest(d.tries - 1, d.attempts), next_attempt_at = l.due_at', [
    { decl: 'due_at timestamptz', values: leases.map(() => due) },
  ]);
}

/**
 * Gives back every row still leased under `token`: a claim that failed in the worker (a timeout,
 * a lost connection) may have committed all the same. Scans the pending rows; a failure path only.
 */
export async function releaseLeaseToken(db: Queryable, token: string): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries set locked_until = null, locked_by = null, tries = greatest(tries - 1, attempts)
     where status = 'pending' and locked_by = $1`,
    [token],
  );
  return rowCount ?? 0;
}

/** Deliveries of a webhook that was disabled or deleted after they were queued (through their leases). */
export async function closeUndeliverable(db: Queryable, rows: ClaimedRow[]): Promise<void> {
  const deleted = rows.filter((r) => r.webhook_deleted);
  const disabled = rows.filter((r) => !r.webhook_deleted && !r.webhook_enabled);
  if (deleted.length) {
    await throughLeases(db, deleted, `status = 'cancelled', completed_at = now(), locked_until = null, locked_by = null, last_error = 'webhook deleted', tries = greatest(d.tries - 1, d.attempts)`);
  }
  if (disabled.length) {
    await throughLeases(db, disabled, `status = 'failed', completed_at = now(), locked_until = null, locked_by = null, last_error = 'webhook disabled', tries = greatest(d.tries - 1, d.attempts)`);
  }
}

// ---- Moved on by an attempt's result ----

/** What an attempt's result needs to move its delivery on: the lease it was sent under and the outcome. */
export interface LeasedResult extends Pick<FinishedAttempt, 'status' | 'attempt' | 'nextAttemptAt' | 'durationMs' | 'error' | 'at'> {
  lease: Lease;
  response: { status: number } | null;
}

/**
 * Each delivery to the state its attempt decided (in the result writer's transaction), through
 * its lease: a result whose lease was taken over (another claim holds the row, or a redeliver
 * put it back) changes nothing. Answers which results were stale, by index in `records`.
 */
export async function recordResults(tx: Queryable, records: LeasedResult[]): Promise<boolean[]> {
  const col = <T>(decl: string, f: (r: LeasedResult) => T) => ({ decl, values: records.map(f) });
  // A delivery cancelled while in flight (its webhook deleted) stays cancelled.
  const done = await throughLeases(
    tx,
    records.map((r) => r.lease),
    `status = case when d.status = 'cancelled' then d.status else l.status end,
     attempts = greatest(d.attempts, l.attempt),
     next_attempt_at = coalesce(l.next_at, d.next_attempt_at),
     locked_until = null, locked_by = null, next_trigger = null,
     last_status_code = l.code, last_error = l.error, last_duration_ms = l.dur, last_attempt_at = l.at,
     completed_at = case when l.status = 'pending' then null else l.at end`,
    [
      col('status text', (r) => r.status),
      col('attempt int', (r) => r.attempt),
      col('next_at timestamptz', (r) => r.nextAttemptAt),
      col('code int', (r) => r.response?.status ?? null),
      col('error text', (r) => r.error),
      col('dur int', (r) => r.durationMs),
      col('at timestamptz', (r) => r.at),
    ],
    'update-deliveries',
  );
  return records.map((r) => !done.has(leaseKey(r.lease)));
}

/** Pending deliveries (not in flight) of webhooks just disabled fail, with the webhook's reason. */
export async function failPendingOfDisabled(tx: Queryable, webhookIds: string[]): Promise<void> {
  await tx.query(
    `update deliveries set status = 'failed', completed_at = now(), last_error = 'webhook disabled: ' || w.disabled_reason,
       locked_until = null, locked_by = null
     from webhooks w where deliveries.webhook_id = w.id and w.id = any($1::uuid[]) and deliveries.status = 'pending'
       and (deliveries.locked_until is null or deliveries.locked_until < now())`,
    [webhookIds],
  );
}

// ---- Put back to pending: redeliver and recover ----
// Each goes back to pending, due now, with one more attempt allowed (and the same delivery id).

/** False when the delivery is in flight right now (pending under a live lease). */
export async function requeueDelivery(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    // The lease goes: a result still on its way from a worker whose lease ran out is fenced.
    `update deliveries set status = 'pending', next_attempt_at = now(), next_trigger = 'redeliver', attempt_limit = greatest(attempt_limit, greatest(tries, attempts) + 1), completed_at = null,
       locked_until = null, locked_by = null
     where id = $1 and (status <> 'pending' or locked_until is null or locked_until < now())`,
    [id],
  );
  return Boolean(rowCount);
}

/** Every failed delivery of a webhook created since `since`; answers how many. */
export async function requeueFailedSince(db: Queryable, webhookId: string, since: Date): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries set status = 'pending', next_attempt_at = now(), next_trigger = 'redeliver', attempt_limit = greatest(attempt_limit, greatest(tries, attempts) + 1), completed_at = null
     where webhook_id = $1 and status = 'failed' and created_at >= $2`,
    [webhookId, since],
  );
  return rowCount ?? 0;
}

// ---- Cancelled: the webhook was deleted ----

/** A deleted webhook's pending deliveries become `cancelled` (`reason` in the log), not silently lost; answers how many. */
export async function cancelPendingOfWebhook(tx: Queryable, webhookId: string, reason = 'webhook deleted'): Promise<number> {
  const { rowCount } = await tx.query(
    `update deliveries set status = 'cancelled', completed_at = now(), last_error = $2
       where webhook_id = $1 and status = 'pending'`,
    [webhookId, reason],
  );
  return rowCount ?? 0;
}

// ---- Grouped (grouped chat alerts: services/grouping, store/alert-groups.ts) ----

/**
 * Through its lease, the delivery joins group `groupId`: `hold` keeps it pending as the group's
 * carrier, due at `dueAt` (its attempt number handed back: nothing was sent); `grouped` makes it
 * final, `grouped`, its event counted in the message `carrierId` sends; `send` only notes the group
 * (it is sent now, as the group's message). False when the lease was taken over (nothing changed).
 */
export async function joinGroup(
  tx: Queryable,
  lease: Lease,
  groupId: string,
  how: { kind: 'hold'; dueAt: Date } | { kind: 'grouped'; carrierId: string } | { kind: 'send' },
): Promise<boolean> {
  const set =
    how.kind === 'hold'
      ? `group_id = $4, locked_until = null, locked_by = null, tries = greatest(tries - 1, attempts), next_attempt_at = $5`
      : how.kind === 'grouped'
        ? `group_id = $4, status = 'grouped', completed_at = now(), locked_until = null, locked_by = null, tries = greatest(tries - 1, attempts),
           last_error = 'grouped: sent in the message of delivery ' || $5::text`
        : `group_id = $4`;
  const extra = how.kind === 'hold' ? [how.dueAt] : how.kind === 'grouped' ? [how.carrierId] : [];
  // part_at as JavaScript holds it, to the millisecond (PostgreSQL keeps microseconds): the row within one of it.
  const { rowCount } = await tx.query(`update deliveries set ${set} where id = $1 and ${NEAR_PART_AT} and locked_by = $3`, [lease.id, lease.part_at, lease.locked_by, groupId, ...extra]);
  return Boolean(rowCount);
}

/**
 * One more delivery of `from`'s event to its webhook, in group `groupId`, due now: a message the
 * group needs beyond its events' own deliveries (a resolved group's update, its thread reply).
 * In the request log beside `from`, as pending, then as its attempts went.
 */
export async function insertGroupDelivery(tx: Queryable, from: Pick<Lease, 'id' | 'part_at'>, groupId: string): Promise<Pick<Lease, 'id' | 'part_at'> | undefined> {
  const { rows } = await tx.query<Pick<Lease, 'id' | 'part_at'>>(
    `insert into deliveries (workspace_id, webhook_id, event_id, event_type, attempt_limit, group_id)
     select workspace_id, webhook_id, event_id, event_type, attempt_limit, $3 from deliveries where id = $1 and ${NEAR_PART_AT}
     returning id, part_at`,
    [from.id, from.part_at, groupId],
  );
  return rows[0];
}
