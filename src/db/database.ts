// One `pg` pool for both modes: a real PostgreSQL (DATABASE_URL) or embedded PGlite.
import pg from 'pg';
import type { Config } from '../config/config.js';
import { startEmbedded, SOCKET_PORT, type Embedded } from './embedded.js';

export interface Database {
  pool: pg.Pool;
  kind: 'postgres' | 'embedded';
  /** Embedded, reached through another process's socket (that process owns and migrates it). */
  attached: boolean;
  schema: string;
  /** Connection settings for a dedicated client (LISTEN, migrations). */
  clientConfig: pg.ClientConfig;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Refuse to attach to another process's embedded database (serve, worker). */
  exclusive?: boolean;
  poolSize?: number;
}

export async function openDatabase(config: Config, opts: OpenOptions = {}): Promise<Database> {
  let embedded: Embedded | undefined;
  let clientConfig: pg.ClientConfig;
  if (config.DATABASE_URL) {
    clientConfig = { connectionString: config.DATABASE_URL };
  } else {
    embedded = await startEmbedded(config.DATA_DIR, { attach: !opts.exclusive });
    clientConfig = { host: embedded.socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' };
  }
  if (config.DATABASE_SCHEMA !== 'public') {
    clientConfig = { ...clientConfig, options: `-c search_path=${config.DATABASE_SCHEMA}` };
  }
  const pool = new pg.Pool({
    ...clientConfig,
    // PGlite is one session: pglite-socket interleaves the extended-protocol messages of
    // concurrent connections (one's Parse, another's Bind), so the embedded pool keeps one
    // connection and queues queries in this process instead.
    max: embedded ? 1 : (opts.poolSize ?? config.DATABASE_POOL_SIZE),
    idleTimeoutMillis: 30_000,
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  if (embedded) {
    // All pool connections share PGlite's one session, so per-connection named prepared
    // statements would collide: on PGlite every statement runs unnamed.
    const unname = <T extends { query: (...a: any[]) => any }>(target: T) => {
      const query = target.query.bind(target);
      target.query = ((cfg: unknown, ...rest: unknown[]) =>
        query(cfg && typeof cfg === 'object' && 'name' in cfg ? { ...cfg, name: undefined } : cfg, ...rest)) as T['query'];
    };
    unname(pool);
    pool.on('connect', (client) => unname(client));
  }
  return {
    pool,
    kind: embedded ? 'embedded' : 'postgres',
    attached: embedded ? !embedded.owner : false,
    schema: config.DATABASE_SCHEMA,
    clientConfig,
    async close() {
      await pool.end();
      await embedded?.close();
    },
  };
}

export async function withClient<T>(db: Database, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect();
  // A checked-out client has no error listener of the pool's: a server that goes away between
  // two statements (a restart) would emit an unhandled 'error' and end the process. Kept here,
  // it fails the next statement instead, and the broken client is not given back to the pool.
  let broken: Error | undefined;
  const onError = (err: Error) => (broken = err);
  client.on('error', onError);
  try {
    return await fn(client);
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/** Deadlock and serialization failures: the server rolled the transaction back; running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const TX_TRIES = 5;

/**
 * Runs fn in one transaction. A transaction the server chose as a deadlock (or serialization)
 * victim is run again from the start, so fn must only touch the database.
 */
export async function withTransaction<T>(db: Database, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withClient(db, async (client) => {
        await client.query('begin');
        try {
          const result = await fn(client);
          await client.query('commit');
          return result;
        } catch (err) {
          await client.query('rollback').catch(() => {});
          throw err;
        }
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= TX_TRIES || !code || !RETRYABLE.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

/** Something that runs queries: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;
