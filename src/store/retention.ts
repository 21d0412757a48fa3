// Retention of history (FORJINN_RETENTION): events, deliveries and attempts are RANGE-partitioned
// on part_at (migrations/1764540000000_partitioned-history.sql), so removing a span of old history
// is dropping a partition, not deleting rows and vacuuming. Partitions are created ahead here (at
// migrate and by each prune); a prune moves what must be kept (a pending delivery, whatever its
// age, its event and its attempts) forward into the current partition, then drops every
// partition that ends before now - retention. The idempotency keys (event_keys, unpartitioned: a
// unique key on a partitioned table would have to contain part_at) are deleted row-wise.
import type { Database, Queryable } from './database.js';
import { withClient } from './database.js';

export const HISTORY_TABLES = ['events', 'deliveries', 'attempts'] as const;
type HistoryTable = (typeof HISTORY_TABLES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Partition widths, aligned on the Unix epoch; the widest that is at most a fifth of the retention. */
const WIDTHS = [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR, DAY, 7 * DAY];
/** Partitions are kept created this many widths past now. */
const AHEAD = 3;
/** How long a drop (or a create) waits for its lock before it gives up until the next run. */
const LOCK_TIMEOUT = '500ms';
/** event_keys rows deleted per statement. */
const KEY_BATCH = 5_000;
/**
 * Session advisory lock around a prune: one process at a time per database and schema (two
 * deployments in their own DATABASE_SCHEMA of one database prune their own history, each in turn
 * with its own processes only). Two keys: this constant and the schema's hash.
 */
export const PRUNE_LOCK = 0x666a7270; // "fjrp"
export const PRUNE_LOCK_KEYS = '$1::int, hashtext(current_schema())';

/** The width of one partition for a retention (ms); 0 (keep everything) gets the widest. */
export function partitionWidth(retentionMs: number): number {
  if (!retentionMs) return WIDTHS[WIDTHS.length - 1];
  let w = WIDTHS[0];
  for (const c of WIDTHS) if (c <= retentionMs / 5) w = c;
  return w;
}

/** How often serve and worker prune: half a partition, at most an hour. */
export function pruneInterval(retentionMs: number): number {
  return Math.min(partitionWidth(retentionMs) / 2, HOUR);
}

/** The oldest moment history is kept from (now - retention); null when it is kept forever (0). */
export function historySince(retentionMs: number, now: Date = new Date()): Date | null {
  return retentionMs ? new Date(now.getTime() - retentionMs) : null;
}

export interface PruneResult {
  /** Partitions of events, deliveries and attempts dropped. */
  droppedPartitions: number;
  /** Pending deliveries (still retrying) moved forward out of a partition about to go. */
  movedPending: number;
  /** Idempotency keys (event_keys rows) removed. */
  removedKeys: number;
  /** Final rows older than the cutoff deleted from the DEFAULT partitions (rare). */
  deletedDefaultRows: number;
  /** Partitions too old that could not get their lock in time: retried on the next run. */
  skippedPartitions: number;
}

interface Partition {
  table: HistoryTable;
  name: string;
  from: Date;
  to: Date;
}

/** The range partitions of the history tables (not the DEFAULT ones), oldest first. */
export async function listPartitions(db: Queryable): Promise<Partition[]> {
  const { rows } = await db.query<{ table: HistoryTable; name: string; from: Date; to: Date }>(
    `select p.relname as table, c.relname as name, b[1]::timestamptz as from, b[2]::timestamptz as to
     from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
       join pg_namespace n on n.oid = p.relnamespace,
       lateral regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') as b
     where n.nspname = current_schema() and p.relname = any($1::text[]) and b is not null
     order by 3`,
    [HISTORY_TABLES],
  );
  return rows;
}

const stamp = (d: Date) => d.toISOString().replace(/[-:T]/g, '').slice(0, 12); // yyyymmddhhmm, UTC

/**
 * Creates the partitions from the newest one's end (or from now) to now + a few widths, for each
 * history table. A range whose rows are already in the DEFAULT partition (nothing covered them)
 * cannot be created; it is skipped, and those rows are deleted row-wise once old (prune).
 */
export async function ensurePartitions(db: Queryable, retentionMs: number, now: Date = new Date()): Promise<number> {
  const width = partitionWidth(retentionMs);
  const parts = await listPartitions(db);
  const floorNow = Math.floor(now.getTime() / width) * width;
  const until = floorNow + (AHEAD + 1) * width;
  let created = 0;
  for (const table of HISTORY_TABLES) {
    const ends = parts.filter((p) => p.table === table).map((p) => p.to.getTime());
    let from = Math.max(ends.length ? Math.max(...ends) : floorNow, floorNow - width);
    while (from < until) {
      const to = (Math.floor(from / width) + 1) * width;
      const name = `${table}_p${stamp(new Date(from))}`;
      const options = table === 'deliveries' ? ' with (fillfactor = 80)' : '';
      try {
        await inTransaction(db, async () => {
          await db.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
          await db.query(
            `create table if not exists ${name} partition of ${table} for values from ('${new Date(from).toISOString()}') to ('${new Date(to).toISOString()}')${options}`,
          );
        });
        created++;
      } catch (err) {
        // 23514: rows of that range already in the DEFAULT partition; 55P03: lock not got in time.
        const code = (err as { code?: string }).code;
        if (code !== '23514' && code !== '55P03') throw err;
      }
      from = to;
    }
  }
  return created;
}

async function inTransaction<T>(db: Queryable, fn: () => Promise<T>): Promise<T> {
  await db.query('begin');
  try {
    const out = await fn();
    await db.query('commit');
    return out;
  } catch (err) {
    await db.query('rollback').catch(() => {});
    throw err;
  }
}

// What is kept whatever its age: a pending delivery, its event (and the event's key), its
// attempts. Each goes to part_at = now, which PostgreSQL moves into the current partition.
// The pending deliveries are found by the partial due index (status = 'pending'): few rows.
const MOVE_SQL = `
with moved as (
  update deliveries set part_at = $2 where part_at < $1 and status = 'pending' returning id, event_id
),
pending as (
  select id, event_id from deliveries where status = 'pending'
),
ev as (
  update events set part_at = $2 where part_at < $1 and id in (select event_id from pending) returning workspace_id, external_id
),
keys as (
  update event_keys k set part_at = $2 from ev where k.workspace_id = ev.workspace_id and k.external_id = ev.external_id returning 1
),
att as (
  update attempts set part_at = $2 where part_at < $1 and delivery_id in (select id from pending) returning 1
)
select (select count(*) from moved)::int as moved, (select count(*) from ev)::int as events,
  (select count(*) from keys)::int as keys, (select count(*) from att)::int as attempts`;

/** Moves what must be kept out of the span before `cutoff`; answers how many pending deliveries moved. */
async function moveKept(db: Queryable, cutoff: Date, now: Date): Promise<number> {
  const { rows } = await db.query<{ moved: number }>(MOVE_SQL, [cutoff, now]);
  return rows[0].moved;
}

/**
 * One prune: partitions created ahead, what must be kept moved forward, every partition ending at
 * or before now - retention dropped (each drop waits at most LOCK_TIMEOUT for its lock, else it is
 * left for the next run), old final rows of the DEFAULT partitions and old keys deleted. Answers
 * null when another process is pruning this database right now (it does the same work).
 * `retentionMs` 0 removes nothing (it still creates partitions ahead).
 */
export async function prune(db: Database, opts: { retentionMs: number; now?: Date }): Promise<PruneResult | null> {
  const now = opts.now ?? new Date();
  // PGlite is one session shared by the process, where the advisory lock excludes nobody: a run
  // already under way in this process is what excludes there (and here too).
  if (running.has(db)) return null;
  running.add(db);
  try {
    // One pool connection for the whole run: on PGlite the pool has one, and the lock is a session's.
    return await withClient(db, async (c) => {
      const { rows } = await c.query<{ ok: boolean }>(`select pg_try_advisory_lock(${PRUNE_LOCK_KEYS}) as ok`, [PRUNE_LOCK]);
      if (!rows[0].ok) return null;
      try {
        return await pruneLocked(c, opts.retentionMs, now);
      } finally {
        await c.query(`select pg_advisory_unlock(${PRUNE_LOCK_KEYS})`, [PRUNE_LOCK]).catch(() => {});
      }
    });
  } finally {
    running.delete(db);
  }
}

const running = new WeakSet<Database>();

async function pruneLocked(c: Queryable, retentionMs: number, now: Date): Promise<PruneResult> {
  const result: PruneResult = { droppedPartitions: 0, movedPending: 0, removedKeys: 0, deletedDefaultRows: 0, skippedPartitions: 0 };
  await ensurePartitions(c, retentionMs, now);
  if (!retentionMs) return result;
  const cutoff = new Date(now.getTime() - retentionMs);
  const old = (await listPartitions(c)).filter((p) => p.to.getTime() <= cutoff.getTime());
  if (old.length) {
    // Most of the moving, outside any table lock.
    result.movedPending += await moveKept(c, cutoff, now);
    // Then, under the tables' locks (short: a redeliver between the move and the drop must not
    // lose its delivery), move what became pending meanwhile and drop. Ingest and claims wait at
    // most this transaction; a lock not got within LOCK_TIMEOUT leaves it all to the next run.
    try {
      await inTransaction(c, async () => {
        await c.query(`set local lock_timeout = '${LOCK_TIMEOUT}'`);
        await c.query('lock table events, deliveries, attempts in access exclusive mode');
        result.movedPending += await moveKept(c, cutoff, now);
        // `if exists`: on PGlite a `prune` command beside `serve` shares one session (the lock
        // excludes neither); whichever drops second finds nothing to do.
        for (const p of old) await c.query(`drop table if exists ${p.name}`);
      });
      result.droppedPartitions = old.length;
    } catch (err) {
      if ((err as { code?: string }).code !== '55P03') throw err;
      result.skippedPartitions = old.length;
    }
  }
  result.deletedDefaultRows = await deleteOldDefaultRows(c, cutoff);
  result.removedKeys = await deleteOldKeys(c, cutoff);
  return result;
}

/** Final rows older than the cutoff in the DEFAULT partitions (a span no partition covered). */
async function deleteOldDefaultRows(c: Queryable, cutoff: Date): Promise<number> {
  const { rows } = await c.query<{ n: number }>(
    `with pending as (select id, event_id from deliveries where status = 'pending'),
     d as (delete from deliveries_default where part_at < $1 and status <> 'pending' returning 1),
     e as (delete from events_default where part_at < $1 and id not in (select event_id from pending) returning 1),
     a as (delete from attempts_default where part_at < $1 and delivery_id not in (select id from pending) returning 1)
     select ((select count(*) from d) + (select count(*) from e) + (select count(*) from a))::int as n`,
    [cutoff],
  );
  return rows[0].n;
}

/** Keys older than the cutoff whose event is gone, in batches (narrow rows, its own index on part_at). */
async function deleteOldKeys(c: Queryable, cutoff: Date): Promise<number> {
  let removed = 0;
  for (;;) {
    const { rowCount } = await c.query(
      `delete from event_keys where (workspace_id, external_id) in (
         select k.workspace_id, k.external_id from event_keys k
         where k.part_at < $1 and not exists (select 1 from events e where e.id = k.event_id and e.part_at = k.part_at)
         limit ${KEY_BATCH})`,
      [cutoff],
    );
    removed += rowCount ?? 0;
    if ((rowCount ?? 0) < KEY_BATCH) return removed;
  }
}
