// Sending: undici with a keep-alive pool, connect and total timeouts, no redirects, and at most
// 64 KiB of a response read (16 KiB kept).
import { Agent, type Dispatcher } from 'undici';

export const READ_LIMIT = 64 * 1024;
export const KEEP_LIMIT = 16 * 1024;

export type SendResult =
  | { kind: 'response'; status: number; headers: Record<string, string>; body: string; durationMs: number; bodyTruncated?: boolean }
  | { kind: 'error'; reason: 'timeout' | 'network' | 'blocked_address' | 'render_error'; message: string; durationMs: number };

export interface SenderOptions {
  timeoutMs: number;
  connectTimeoutMs: number;
  /** undici connect options, or a whole connector (the SSRF guard's, which checks every address it dials). */
  connect?: Agent.Options['connect'];
}

export interface Sender {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  close(): Promise<void>;
}

function flatHeaders(h: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** `cut`: the answer was longer than what is kept (the request log says so). */
async function readLimited(body: Dispatcher.ResponseData['body']): Promise<{ text: string; cut: boolean }> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    total += (chunk as Buffer).length;
    if (total >= READ_LIMIT) break; // leaving the loop destroys the stream: the rest is never read
  }
  return { text: Buffer.concat(chunks).subarray(0, KEEP_LIMIT).toString('utf8'), cut: total > KEEP_LIMIT };
}

function errorReason(err: unknown): { reason: 'timeout' | 'network' | 'blocked_address'; message: string } {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code ?? '';
  if (code === 'FORJINN_BLOCKED_ADDRESS' || e.cause?.code === 'FORJINN_BLOCKED_ADDRESS') {
    return { reason: 'blocked_address', message: e.cause?.message ?? e.message ?? 'address not allowed' };
  }
  if (e.name === 'TimeoutError' || /TIMEOUT/.test(code)) return { reason: 'timeout', message: `no answer in time (${code || e.name})` };
  return { reason: 'network', message: code ? `${code}${e.message ? `: ${e.message}` : ''}` : (e.message ?? 'request failed') };
}

export function createSender(opts: SenderOptions): Sender {
  const agent = new Agent({
    connect: typeof opts.connect === 'function' ? opts.connect : { timeout: opts.connectTimeoutMs, ...opts.connect },
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: opts.timeoutMs,
    bodyTimeout: opts.timeoutMs,
  });
  return {
    async send(url, headers, body) {
      const started = performance.now();
      const ms = () => Math.round(performance.now() - started);
      try {
        const u = new URL(url);
        const res = await agent.request({
          origin: u.origin,
          path: `${u.pathname}${u.search}`,
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        const { text, cut } = await readLimited(res.body);
        return { kind: 'response', status: res.statusCode, headers: flatHeaders(res.headers), body: text, bodyTruncated: cut, durationMs: ms() };
      } catch (err) {
        return { kind: 'error', ...errorReason(err), durationMs: ms() };
      }
    },
    close: () => agent.close(),
  };
}
