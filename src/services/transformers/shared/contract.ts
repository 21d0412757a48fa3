// The test-side half of a target, its type: what every target's `contract.ts` gives the contract
// tests (test/helpers/target-contract.ts), which run over every entry of the registry. Test-only:
// `src/**/contract.ts` is left out of the build (tsconfig.build.json) and may use devDependencies.
import type { Outcome } from '../types.js';

/** The statuses of the status matrix (test/unit/transformers/status-matrix.test.ts); a column gives each its outcome. */
export const MATRIX_STATUSES = [100, 200, 201, 202, 204, 301, 302, 304, 400, 401, 403, 404, 408, 409, 410, 413, 422, 429, 500, 502, 503, 504] as const;
export type MatrixStatus = (typeof MATRIX_STATUSES)[number];

/** What a body checker reads: the rendered body and its content type (a Rendered, or a request a fake vendor received). */
export interface SentBody {
  body: string;
  contentType: string;
}

export interface TargetContract {
  /** A webhook URL of the vendor's shape, with a made-up credential (settings and checkUrl must accept it). */
  hookUrl: string;
  /** Valid settings (transformerConfig as given), e.g. PagerDuty's routing key. */
  settings: Record<string, unknown>;
  /** Credentials in hookUrl and settings: never in a reason or an error, and in the body only if listed in `bodyCarries`. */
  secrets: readonly string[];
  /** The credentials the vendor reads from the body (PagerDuty's routing key). */
  bodyCarries?: readonly string[];
  /** How the fake vendor (test/helpers/vendor-answers.ts) answers a good request, as the vendor does. */
  goodAnswer: { status: number; contentType?: string; body?: string };
  /**
   * What breaks the vendor's rules in a body, one line each (empty: none): by the vendor's own
   * library where one exists, else by the vendor's documented numbers written again here. Never
   * the transformer's own limit constants: a wrong constant in the code under test must fail it.
   */
  check(sent: SentBody): string[];
  /** A custom template that puts all of an oversized event's text in: the target's cuts must bring it back within the limits. */
  flood: string;
  /** A custom template using the target's escaping helper(s), which the save check accepts. */
  validTemplate: string;
  /** The outcome of each status of the matrix (docs/transformers.md "Answers", docs/delivery.md "Retries"). */
  answers: Readonly<Record<MatrixStatus, Outcome>>;
}

// Counting as the vendors do.
export const chars = (text: string): number => Array.from(text ?? '').length;
export const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The body as JSON, or a problem. */
export function parsed(sent: SentBody, problems: string[]): any {
  try {
    return JSON.parse(sent.body);
  } catch (err) {
    problems.push(`the body is not JSON: ${(err as Error).message}`);
    return {};
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
}

/** The same JSON value, whatever the order of keys. */
export const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

/** A checker's rule: `what` is a problem unless `ok`. */
export const rule = (problems: string[]) => (ok: unknown, what: string): void => {
  if (!ok) problems.push(what);
};

/** Every string in a JSON value, with its path. */
export function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* strings(item, path ? `${path}.${key}` : key);
  }
}

const S = 'success';
const R = 'retry';
const F = 'refuse';
const D = 'disable';
/** Shorthands for a column: a chat target's usual one, which a contract spreads and then changes where its vendor differs. */
export const CHAT_ANSWERS: Readonly<Record<MatrixStatus, Outcome>> = {
  100: R, 200: S, 201: S, 202: S, 204: S, 301: F, 302: F, 304: F,
  400: F, 401: D, 403: D, 404: D, 408: R, 409: F, 410: D, 413: F, 422: F, 429: R,
  500: R, 502: R, 503: R, 504: R,
};
