// The gate in front of a service's pool. Once a statement gets no answer (a stalled or stopped
// server: its read timeout ran out, or no connection could be opened), every statement after it
// would wait out the same timeout, one after another, behind the API key loader and the ingest
// batcher: minutes for a request that should be told "503, try again" within seconds. So the
// gate closes: statements fail at once with DatabaseUnavailableError (503 with Retry-After) until
// a probe on a connection of its own gets an answer, and then it opens again by itself.
import pg from 'pg';
import type { Logger } from '../core/log.js';
import { DatabaseUnavailableError, isNoAnswer } from '../core/unavailable.js';

/**
 * How often a closed gate asks the server. Short: after a restart the service takes requests
 * again within this much of the server accepting connections; each probe is one connection.
 */
export const PROBE_EVERY_MS = 500;

export class Gate {
  /** Why it is closed; undefined while open. */
  private reason: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private probe: () => Promise<void>,
    private log?: Logger,
  ) {}

  get open(): boolean {
    return this.reason === undefined;
  }

  /** Throws while closed, without asking the server. */
  check(): void {
    if (this.reason !== undefined) throw new DatabaseUnavailableError(this.reason);
  }

  /** Told of every failed statement: one that got no answer closes the gate. */
  failed(err: unknown): void {
    if (this.ended || this.reason !== undefined || err instanceof DatabaseUnavailableError || !isNoAnswer(err)) return;
    this.reason = (err as Error).message || String(err);
    this.log?.warn({ reason: this.reason }, 'database not answering; statements fail at once (503) until it answers again');
    this.schedule();
  }

  private schedule() {
    // Unref'd: a closed gate must not keep a stopping process alive.
    this.timer = setTimeout(() => {
      this.probe().then(
        () => {
          if (this.ended) return;
          this.log?.info({ after: this.reason }, 'database answers again');
          this.reason = undefined;
        },
        () => !this.ended && this.schedule(),
      );
    }, PROBE_EVERY_MS).unref();
  }

  end(): void {
    this.ended = true;
    clearTimeout(this.timer);
  }
}

/** A probe that opens a connection of its own (the pool's may all be stuck) and runs `select 1`. */
export function probeWith(clientConfig: pg.ClientConfig, timeoutMs: number): () => Promise<void> {
  return async () => {
    const client = new pg.Client({ ...clientConfig, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on('error', () => {}); // a probe that fails says so by rejecting
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      // Not awaited: ending a connection to a server that does not answer waits for it.
      void client.end().catch(() => {});
    }
  };
}
