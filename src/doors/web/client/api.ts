// Talking to the /v1 API: the API key lives in sessionStorage (this tab only, gone when it
// closes) and goes out as a Bearer header. No cookies are ever sent, so another site cannot
// make this browser act on the API.
import type { TransformerInfo } from './types.js';

const STORAGE_KEY = 'forjinn-webhooks.apiKey';

export const session = {
  get key(): string | null {
    return sessionStorage.getItem(STORAGE_KEY);
  },
  set(key: string) {
    sessionStorage.setItem(STORAGE_KEY, key);
  },
  clear() {
    sessionStorage.removeItem(STORAGE_KEY);
  },
};

export interface FieldIssue {
  field: string;
  message: string;
}

/** An error answer of the API, with the field(s) it is about when the input was bad. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[],
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

let onUnauthorized: (message: string) => void = () => {};

/** Called when the key stops working mid-session (revoked): the page goes back to sign-in. */
export function whenUnauthorized(fn: (message: string) => void) {
  onUnauthorized = fn;
}

interface ErrorBody {
  error?: { code?: string; message?: string; field?: string; details?: FieldIssue[] };
}

export async function api<T>(method: string, path: string, body?: unknown, opts: { signal?: AbortSignal; key?: string } = {}): Promise<T> {
  const key = opts.key ?? session.key ?? '';
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
    signal: opts.signal,
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.ok) return parsed as T;
  const e = (parsed as ErrorBody | undefined)?.error ?? {};
  const message = e.message ?? `the service answered ${res.status} ${res.statusText}`;
  const issues = e.details ?? (e.field ? [{ field: e.field, message: stripField(e.field, message) }] : []);
  const failure = new ApiFailure(res.status, e.code ?? 'http_error', message, issues);
  if (res.status === 401 && !opts.key) onUnauthorized(message);
  throw failure;
}

/** "url: is not a valid URL" → "is not a valid URL": the field is shown by its label already. */
function stripField(field: string, message: string): string {
  return message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message;
}

/** True for the error fetch raises when a view was left while its request was in flight. */
export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

export function describeError(err: unknown): string {
  if (err instanceof ApiFailure) return err.message;
  if (err instanceof TypeError) return 'The service could not be reached. Is it still running?';
  return err instanceof Error ? err.message : String(err);
}

let transformersOnce: Promise<TransformerInfo[]> | undefined;

/** GET /v1/transformers: fixed for the life of the service, so fetched once per page load. */
export function loadTransformers(): Promise<TransformerInfo[]> {
  transformersOnce ??= api<{ data: TransformerInfo[] }>('GET', '/v1/transformers').then(
    (r) => r.data,
    (err: unknown) => {
      transformersOnce = undefined;
      throw err;
    },
  );
  return transformersOnce;
}
