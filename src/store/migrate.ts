// The same node-pg-migrate migrations on PGlite and PostgreSQL. Concurrent starts must not break
// each other: node-pg-migrate creates its table before taking its lock, so we take a session
// advisory lock first (other processes on PostgreSQL wait), and queue runs inside one process
// (PGlite has a single session, where an advisory lock excludes nobody).
import { readdirSync } from 'node:fs';
import { packageDir } from '../core/package-files.js';
import pg from 'pg';
import { DEFAULT_RETENTION, parseRetention } from '../core/config.js';
import { runner } from 'node-pg-migrate';
import type { Database } from './database.js';
import { ensurePartitions } from './retention.js';

const MIGRATIONS_DIR = packageDir('migrations');
/** Any constant works; it only has to be the same for every forjinn-webhooks process. */
const LOCK_ID = 0x666a7768; // "fjwh"

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs the migrations not yet run, then creates the history partitions ahead for `retentionMs`
 * (FORJINN_RETENTION: it sets their width; store/retention.ts). Answers the migrations it ran.
 */
export function migrate(db: Database, opts: { retentionMs?: number } = {}): Promise<string[]> {
  // PGlite's owner migrates; a process attached to its socket shares its one session, where
  // the lock would exclude nobody, so it waits for the owner's migrations instead.
  if (db.attached) return waitForOwner(db).then(() => []);
  const run = queue.then(() => migrateNow(db, opts.retentionMs ?? DEFAULT_RETENTION_MS));
  queue = run.catch(() => {});
  return run;
}

/** The process that owned the embedded database went away while this one was attached to it. */
export class OwnerGoneError extends Error {
  constructor() {
    super('the process serving DATA_DIR stopped');
  }
}

function isGone(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return ['ECONNREFUSED', 'ENOENT', 'ECONNRESET', 'EPIPE'].includes(e.code ?? '') || /Connection terminated|not queryable|ended/i.test(e.message ?? '');
}

async function waitForOwner(db: Database): Promise<void> {
  const wanted = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
  for (const deadline = Date.now() + 180_000; ; ) {
    const { rows } = await db.pool.query<{ name: string }>('select name from pgmigrations').catch((err) => {
      // The owner stopped (a short-lived command such as another `migrate`): open afresh.
      if (isGone(err)) throw new OwnerGoneError();
      return { rows: [] as { name: string }[] };
    });
    const done = new Set(rows.map((r) => r.name));
    if (wanted.every((w) => done.has(w))) return;
    if (Date.now() > deadline) throw new Error('the process serving DATA_DIR has not finished its migrations; is it an older version?');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const DEFAULT_RETENTION_MS = parseRetention(DEFAULT_RETENTION);

async function migrateNow(db: Database, retentionMs: number): Promise<string[]> {
  const client = new pg.Client(db.clientConfig);
  // A connection lost mid-migration (the server restarting) fails the running statement, and so
  // the start, with its message; without a listener it was an unhandled 'error' event instead.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCK_ID]);
    const ran = await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      schema: db.schema,
      createSchema: true,
      checkOrder: true,
      noLock: true,
      log: () => {},
    });
    await ensurePartitions(client, retentionMs);
    return ran.map((m) => m.name);
  } finally {
    await client.query('select pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    await client.end();
  }
}
