// What the rest of the service sees of the database: a pool and how it was reached. Opened (and
// its statements bounded) by store/database.ts; declared here so the context can hold it.
import type pg from 'pg';

/** Closed while the server does not answer: statements fail at once instead of queueing. */
export interface DatabaseGate {
  /** Throws DatabaseUnavailable while closed. */
  check(): void;
  /** Told about a failed statement; closes on one that got no answer. */
  failed(err: unknown): void;
}

export interface Database {
  pool: pg.Pool;
  kind: 'postgres' | 'embedded';
  /** Embedded, reached through another process's socket (that process owns and migrates it). */
  attached: boolean;
  schema: string;
  /** Connection settings for a dedicated client (LISTEN, migrations). */
  clientConfig: pg.ClientConfig;
  /** Set with request timeouts only (the service, not the CLI). */
  gate?: DatabaseGate;
  close(): Promise<void>;
}
