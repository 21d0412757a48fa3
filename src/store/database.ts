// One `pg` pool for both modes: a real PostgreSQL (DATABASE_URL) or embedded PGlite.
import pg from 'pg';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/log.js';
import type { Database } from '../core/database.js';
import { startEmbedded, SOCKET_PORT, type Embedded } from './embedded.js';
import { Gate, probeWith } from './gate.js';
import { isNoAnswer } from '../core/unavailable.js';

/**
 * The client-side limit on a query is the statement timeout plus this: the server's own cancel
 * (57014, the connection stays usable) comes first whenever the server is running; the client's
 * is for a server that does not answer at all (stopped, frozen, cut off), and it discards the
 * connection. PGlite has no statement_timeout: there the client's limit is the only one.
 */
export const QUERY_TIMEOUT_MARGIN_MS = 1_000;

export type { Database } from '../core/database.js';

export interface OpenOptions {
  /** Refuse to attach to another process's embedded database (serve, worker). */
  exclusive?: boolean;
  poolSize?: number;
  /**
   * The service's pool (serve, api, worker): statements and connections are bounded by
   * FORJINN_DB_STATEMENT_TIMEOUT_MS and FORJINN_DB_CONNECT_TIMEOUT_MS, behind a gate, so a request
   * answers 503 instead of waiting for a stalled database. CLI commands (a master-key rotation
   * rewrites every row in one transaction) and migrations (their own connection) run unbounded.
   */
  requestTimeouts?: boolean;
  log?: Logger;
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
  const statementMs = config.FORJINN_DB_STATEMENT_TIMEOUT_MS;
  const connectMs = config.FORJINN_DB_CONNECT_TIMEOUT_MS;
  const bounded = opts.requestTimeouts === true;
  const pool = new pg.Pool({
    ...clientConfig,
    // PGlite is one session: pglite-socket interleaves the extended-protocol messages of
    // concurrent connections (one's Parse, another's Bind), so the embedded pool keeps one
    // connection and queues queries in this process instead.
    max: embedded ? 1 : (opts.poolSize ?? config.DATABASE_POOL_SIZE),
    idleTimeoutMillis: 30_000,
    ...(bounded
      ? {
          // Opening a connection and waiting for a free one in the pool, both.
          connectionTimeoutMillis: connectMs,
          ...(statementMs > 0 ? { query_timeout: statementMs + QUERY_TIMEOUT_MARGIN_MS } : {}),
          ...(statementMs > 0 && !embedded ? { statement_timeout: statementMs } : {}),
        }
      : {}),
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
  const gate = bounded ? new Gate(probeWith(clientConfig, connectMs), opts.log) : undefined;
  if (gate) guard(pool, gate);
  return {
    pool,
    kind: embedded ? 'embedded' : 'postgres',
    attached: embedded ? !embedded.owner : false,
    schema: config.DATABASE_SCHEMA,
    clientConfig,
    gate,
    async close() {
      gate?.end();
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
  } catch (err) {
    // No answer (a read timeout): the connection may still be waiting for the server, so it is
    // discarded rather than handed to the next caller.
    if (isNoAnswer(err)) broken ??= err as Error;
    db.gate?.failed(err);
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * Puts the gate in front of pool.query and pool.connect (the promise forms this code uses; the
 * pool's own callback calls pass through): closed, they fail at once; a statement that gets no
 * answer closes it.
 */
function guard(pool: pg.Pool, gate: Gate) {
  const query = pool.query.bind(pool) as (...a: unknown[]) => unknown;
  const connect = pool.connect.bind(pool) as (...a: unknown[]) => unknown;
  const gated =
    (inner: (...a: unknown[]) => unknown) =>
    (...args: unknown[]): unknown => {
      if (typeof args[args.length - 1] === 'function') return inner(...args);
      try {
        gate.check();
      } catch (err) {
        return Promise.reject(err);
      }
      return (inner(...args) as Promise<unknown>).catch((err: unknown) => {
        gate.failed(err);
        throw err;
      });
    };
  pool.query = gated(query) as typeof pool.query;
  pool.connect = gated(connect) as typeof pool.connect;
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
          // Without an answer there is nothing to roll back on: the rollback would only wait out
          // another read timeout. The connection is discarded and the server rolls back itself.
          if (!isNoAnswer(err)) await client.query('rollback').catch(() => {});
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

/**
 * Reads in one snapshot (a read-only repeatable-read transaction): rows read by several
 * statements agree with each other, as one statement's would (a delivery and its attempts).
 */
export async function withSnapshot<T>(db: Database, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(db, async (client) => {
    await client.query('begin isolation level repeatable read read only');
    try {
      return await fn(client);
    } finally {
      await client.query('commit').catch(() => {});
    }
  });
}

/** Something that runs queries: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'> | pg.PoolClient;
