// Sending: undici with a keep-alive pool, connect and total timeouts, no redirects, and at most
// 64 KiB of a response read (16 KiB kept). Once a status line and headers have arrived the result
// is that answer: a body that then fails to arrive whole (a 204 with a body, a reset, a body still
// trickling at the timeout) is noted with it, and the status decides (retry-policy.ts).
// The total timeout is the one deadline (undici's own header and body timers are off): it reads
// what has already arrived before it gives up (see `deadline`).
import { Agent, type Dispatcher } from 'undici';
import { BLOCKED_CODE } from './ssrf.js';

export const READ_LIMIT = 64 * 1024;
export const KEEP_LIMIT = 16 * 1024;

export type SendResult =
  | {
      kind: 'response';
      status: number;
      headers: Record<string, string>;
      /** What was read of the body, at most KEEP_LIMIT. */
      body: string;
      durationMs: number;
      bodyTruncated?: boolean;
      /** Why the body was not read whole, when it was not: the answer still counts. */
      bodyError?: string;
    }
  | { kind: 'error'; reason: 'timeout' | 'network' | 'blocked_address' | 'render_error'; message: string; durationMs: number };

export interface SenderOptions {
  timeoutMs: number;
  connectTimeoutMs: number;
  /** undici connect options, or a whole connector (the SSRF guard's, which checks every address it dials). */
  connect?: Agent.Options['connect'];
}

export interface Sender {
  /** `method` absent: POST. */
  send(url: string, headers: Record<string, string>, body: string, method?: 'POST' | 'PATCH'): Promise<SendResult>;
  close(): Promise<void>;
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** `cut`: the answer was longer than what is kept (the request log says so). `error`: the read failed after what was kept. */
async function readLimited(body: Dispatcher.ResponseData['body']): Promise<{ text: string; cut: boolean; error?: string }> {
  const chunks: Buffer[] = [];
  let total = 0;
  let error: string | undefined;
  try {
    for await (const chunk of body) {
      chunks.push(chunk as Buffer);
      total += (chunk as Buffer).length;
      if (total >= READ_LIMIT) break; // leaving the loop destroys the stream: the rest is never read
    }
  } catch (err) {
    const { reason, message } = errorReason(err);
    error = `${reason}: ${message}`;
  }
  return { text: Buffer.concat(chunks).subarray(0, KEEP_LIMIT).toString('utf8'), cut: total > KEEP_LIMIT, ...(error ? { error } : {}) };
}

function errorReason(err: unknown): { reason: 'timeout' | 'network' | 'blocked_address'; message: string } {
  const e = err as { code?: unknown; name?: string; message?: string; cause?: { code?: unknown; message?: string } };
  // A DOMException's code is a number (23 for a timeout), not a name worth showing.
  const code = [e.code, e.cause?.code].find((c): c is string => typeof c === 'string') ?? '';
  if (code === BLOCKED_CODE || e.cause?.code === BLOCKED_CODE) {
    return { reason: 'blocked_address', message: e.cause?.message ?? e.message ?? 'address not allowed' };
  }
  if (e.name === 'TimeoutError' || /TIMEOUT/.test(code)) return { reason: 'timeout', message: `no answer in time (${code || e.name})` };
  return { reason: 'network', message: code ? `${code}${e.message ? `: ${e.message}` : ''}` : (e.message ?? 'request failed') };
}

/**
 * The attempt's deadline, as an abort signal. When its timer fires the abort waits one turn of the
 * event loop (setImmediate runs after the poll phase), so an answer already on the socket is read
 * first. After a stall (the process stopped, a long GC pause) the timer is due before the socket is
 * read: aborting at once would store a timeout for an answer that arrived in time (with one attempt
 * allowed, a delivery the receiver accepted would end failed, or be sent again).
 */
function deadline(ms: number): { signal: AbortSignal; clear(): void } {
  const abort = new AbortController();
  let pending: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    pending = setImmediate(() => abort.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError')));
  }, ms);
  return {
    signal: abort.signal,
    clear() {
      clearTimeout(timer);
      clearImmediate(pending);
    },
  };
}

export function createSender(opts: SenderOptions): Sender {
  const agent = new Agent({
    connect: typeof opts.connect === 'function' ? opts.connect : { timeout: opts.connectTimeoutMs, ...opts.connect },
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    // Off: undici's header and body timers destroy the socket without reading what is on it (theirs
    // count 0.5 s ticks, so a stall that begins within a tick of their end would); `deadline` bounds
    // the whole request, headers and body.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
  return {
    async send(url, headers, body, method = 'POST') {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      const due = deadline(opts.timeoutMs);
      try {
        const u = new URL(url);
        const res = await agent.request({
          origin: u.origin,
          path: `${u.pathname}${u.search}`,
          method,
          headers,
          body,
          signal: due.signal,
        });
        const { text, cut, error } = await readLimited(res.body);
        const answer = { kind: 'response', status: res.statusCode, headers: flatHeaders(res.headers), body: text, bodyTruncated: cut, durationMs: ms() } as const;
        return error ? { ...answer, bodyError: error } : answer;
      } catch (err) {
        return { kind: 'error', ...errorReason(err), durationMs: ms() };
      } finally {
        due.clear();
      }
    },
    close: () => agent.close(),
  };
}
