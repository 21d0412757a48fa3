// The CLI against a deployed service: with a service URL (--url before the command, or
// FORJINN_URL) and an API key (--key or FORJINN_KEY), the management commands go through the
// HTTP API as any client does, acting on the key's workspace. The key goes only into the
// Authorization header: it is never printed, nor part of any message (an error that quotes it
// is redacted).
import { CliError } from './args.js';
import { packageVersion } from './version.js';

/** What `--url`/`--key` before the command set (the environment fills in the rest). */
export interface ServiceOptions {
  url?: string;
  key?: string;
}

export interface ServiceClient {
  /** The service's base URL, as given (no trailing slash). */
  readonly url: string;
  /** A request to the API: the answer's status and JSON body; an error answer throws a CliError saying what the API said. */
  call<T = any>(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: T }>;
  /** A long-lived GET (Server-Sent Events): the open response, its body unread; an error answer throws as `call` does. */
  stream(path: string, signal: AbortSignal): Promise<Response>;
}

const TIMEOUT_MS = 120_000;

/** The service to talk to, when one is named (flags first, then FORJINN_URL/FORJINN_KEY); undefined: the database-direct mode. */
export function serviceFrom(opts: ServiceOptions, env: NodeJS.ProcessEnv): ServiceClient | undefined {
  const key = opts.key ?? (env.FORJINN_KEY || undefined);
  // A key with no URL means the service on this machine (the README exports FORJINN_KEY for curl
  // and then runs `npx forjinn-webhooks emit`): its HOST and PORT, 127.0.0.1:3000 by default.
  const local = key && !opts.url && !env.FORJINN_URL ? `http://${localHost(env.HOST)}:${env.PORT || 3000}` : undefined;
  const url = opts.url ?? (env.FORJINN_URL || local);
  if (!url && !key) return undefined;
  if (!url) throw new CliError('an API key (--key or FORJINN_KEY) needs the service URL too: --url <base> or FORJINN_URL');
  if (!key) throw new CliError(`${url} needs an API key: --key <key> or FORJINN_KEY (forjinn-webhooks api-key create on the service's database)`);
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new CliError(`--url/FORJINN_URL: "${url}" is not a URL (expected http(s)://host[:port])`);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new CliError(`--url/FORJINN_URL: expected an http:// or https:// URL, got ${base.protocol}`);
  return createServiceClient(url.replace(/\/+$/, ''), key);
}

export function createServiceClient(url: string, key: string): ServiceClient {
  const redact = (text: string) => text.split(key).join('[key]');
  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${key}`,
    'user-agent': `forjinn-webhooks-cli/${packageVersion()}`,
    ...extra,
  });
  const request = async (path: string, init: RequestInit): Promise<Response> => {
    try {
      return await fetch(`${url}${path}`, init);
    } catch (e) {
      const err = e as Error & { cause?: Error };
      const why = err.name === 'TimeoutError' ? `no answer in ${TIMEOUT_MS / 1000} s` : (err.cause?.message ?? err.message);
      throw new CliError(redact(`error: cannot reach ${url}: ${why}`), 1);
    }
  };
  /** What the API said, as a CliError: the code, message and field of its error answer. */
  const failure = (res: Response, path: string, text: string, body: any): CliError => {
    const e = body?.error as { code?: string; message?: string; field?: string } | undefined;
    const said = e?.code
      ? `${e.code}: ${e.message ?? ''}${e.field ? ` (${e.field})` : ''}`
      : `HTTP ${res.status} from ${url}${path}${text ? `: ${text.slice(0, 200)}` : ''}`;
    const hint = res.status === 401 ? '\n(check --key / FORJINN_KEY: an active API key of this service)' : '';
    // Bad input is a usage error (2), as on the database-direct side; anything else failed (1).
    return new CliError(redact(`error: ${said}${hint}`), res.status === 400 ? 2 : 1);
  };
  const parsed = (text: string): any => {
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    url,
    async call(method, path, opts = {}) {
      const res = await request(path, {
        method,
        headers: headers({ accept: 'application/json', ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers }),
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const text = await res.text();
      const body = parsed(text);
      if (res.ok) return { status: res.status, body };
      throw failure(res, path, text, body);
    },
    async stream(path, signal) {
      const res = await request(path, { headers: headers({ accept: 'text/event-stream' }), signal });
      if (res.ok) return res;
      const text = await res.text();
      throw failure(res, path, text, parsed(text));
    },
  };
}

/** A command with no API route refuses an explicit --url/--key rather than quietly opening a local database. */
export function refuseService(name: string, opts: ServiceOptions): void {
  if (opts.url === undefined && opts.key === undefined) return;
  throw new CliError(
    `${name} does not go through the HTTP API (--url/--key are for the commands marked [API] in --help); ` +
      "run it without them, where the service's database is (DATABASE_URL or DATA_DIR)",
  );
}

/**
 * Through the API a command acts on its key's workspace: a --workspace that names another is
 * refused rather than ignored. Answers the key's workspace name.
 */
export async function keyWorkspace(service: ServiceClient, named: string | undefined): Promise<string> {
  const { body } = await service.call<{ name: string }>('GET', '/v1/workspace');
  if (named !== undefined && named !== body.name) {
    throw new CliError(`--workspace ${named}: the API key is for workspace "${body.name}" (through the API, a command acts on its key's workspace)`);
  }
  return body.name;
}

/** Where a local service listening on HOST answers (0.0.0.0 and :: listen on loopback too). */
function localHost(host: string | undefined): string {
  if (!host || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
