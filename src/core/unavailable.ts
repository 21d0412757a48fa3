// Which database errors mean "not now" rather than "wrong": the ones a request answers with
// 503 database_unavailable and Retry-After, and among them the ones that say the server did not
// answer at all (the connection is discarded and the gate closes until the server answers again).

/** Raised without asking the server while the gate is closed (see gate.ts). */
export class DatabaseUnavailableError extends Error {
  readonly code = 'FORJINN_DB_UNAVAILABLE';
  constructor(reason: string) {
    super(`database unavailable: ${reason}`);
    this.name = 'DatabaseUnavailableError';
  }
}

// No answer from the server, or no connection: socket errors, SQLSTATE class 08 (connection
// exception), 57P01-57P03 (shut down, crashed, not yet accepting), and pg's own words for a
// connection that died, could not be opened or checked out in time, or a query that got no
// answer within its read timeout.
const NO_ANSWER_CODES = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOENT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|08...|57P0[123]|FORJINN_DB_UNAVAILABLE)$/;
const NO_ANSWER_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed|Query read timeout|Client has encountered a connection error/;
// The server answered, but too late or too busy: 57014 a statement cancelled by
// statement_timeout (a lock held elsewhere, a stall), 55P03 a lock not granted, 53300 no free
// connection slot. Worth trying again shortly; the connection itself is fine.
const BUSY_CODES = /^(57014|55P03|53300)$/;

interface MaybeDbError {
  code?: unknown;
  message?: unknown;
}

/** The server did not answer: the connection cannot be trusted, and neither can the next query. */
export function isNoAnswer(err: unknown): boolean {
  const e = err as MaybeDbError | undefined;
  if (!e || typeof e !== 'object') return false;
  return (typeof e.code === 'string' && NO_ANSWER_CODES.test(e.code)) || (typeof e.message === 'string' && NO_ANSWER_MESSAGES.test(e.message));
}

/** Answered 503 with Retry-After: the same request sent again later may well succeed. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as MaybeDbError | undefined;
  return isNoAnswer(err) || (typeof e?.code === 'string' && BUSY_CODES.test(e.code));
}
