// Configuration: read once from the environment, validated, frozen. A bad value stops the start
// with the variable's name and what is expected (see docs/configuration.md).
import { z } from 'zod';
import { parseDuration, parseDurationList } from './duration.js';
import { parseCidrList, type Cidr } from './net-ranges.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) =>
  z.coerce.number({ message: 'expected a whole number' }).int('expected a whole number').min(min).max(max);
const url = z.url({ message: 'expected a URL such as https://example.com' });

/**
 * Webhooks per workspace (FORJINN_MAX_WEBHOOKS_PER_WORKSPACE): every event fans out to each of
 * them (a delivery row and a request each), so one API key must not make a fan-out without end.
 * 1,000 is far above the dozens a team wires up; raise it for a workspace that routes to many
 * endpoints on purpose.
 */
export const MAX_WEBHOOKS_PER_WORKSPACE = 1_000;

/**
 * Events a process has taken over HTTP and not yet written (FORJINN_MAX_PENDING_EVENTS): while the
 * database is slower than ingest they wait in memory; past this many, POST /v1/events and
 * /v1/events/batch answer 503 `overloaded` with Retry-After instead of holding more.
 */
export const MAX_PENDING_EVENTS = 20_000;

/**
 * The largest body a template may render, in UTF-8 bytes. Far above what any chat target takes
 * (Teams 28 KB per message, Slack about 12k characters of blocks, Discord 6,000 characters of
 * embeds, PagerDuty 512 KB per event), and as large as one event POST /v1/events accepts, so a
 * generic template that reshapes a whole event still fits: it stops runaway templates only.
 * FORJINN_MAX_RENDERED_BYTES sets another (docs/configuration.md).
 */
export const MAX_RENDERED_BYTES = 1024 * 1024;

/**
 * A claimed delivery's lease must outlast its attempt (FORJINN_DELIVERY_TIMEOUT_MS bounds the
 * whole request, connect included) plus this margin for the work under the same lease around it:
 * rendering and signing before, storing the result after (a batched write, normally a few ms;
 * a second covers a busy database). Otherwise the lease runs out mid-request and a claim sends
 * the same delivery again while the first request is still open.
 */
export const LEASE_MARGIN_MS = 1_000;

/**
 * The longest a service statement may run (FORJINN_DB_STATEMENT_TIMEOUT_MS): a stalled database
 * (frozen, a lock held elsewhere) then answers 503 with Retry-After within seconds instead of
 * holding every request. The service's statements take milliseconds (a claim on a million-row
 * queue: 130 ms); 5 s leaves room for a slow disk and still answers before a producer's own
 * request timeout. Raise it for a very large database; CLI commands and migrations are not bound.
 */
export const DB_STATEMENT_TIMEOUT_MS = 5_000;
/**
 * Opening a connection, and waiting for a free one in the pool (FORJINN_DB_CONNECT_TIMEOUT_MS):
 * milliseconds on a healthy network, even with TLS; longer means the server is not answering.
 */
export const DB_CONNECT_TIMEOUT_MS = 3_000;

/** The default FORJINN_RETENTION: 30 days of finished history (Stripe keeps 30 days of events). */
export const DEFAULT_RETENTION = '30d';

/**
 * FORJINN_RETENTION as milliseconds: a duration (30d, 12h, 5m) or 0 (keep everything). Shorter
 * than a minute is refused: history is removed a partition (at least a minute wide) at a time.
 */
export function parseRetention(text: string): number {
  const ms = parseDuration(text);
  if (ms !== 0 && ms < 60_000) throw new Error(`"${text}" is shorter than a minute; expected a duration such as 30d, 12h or 5m, or 0 to keep everything`);
  return ms;
}

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  // A worker-only process serves GET /metrics and GET /healthz here (0: a free port, printed).
  FORJINN_METRICS_PORT: int(0, 65535).default(9464),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'expected postgres://user@host:port/database')
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lowercase SQL identifier')
    .default('public'),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  // Request-path bounds on the service's statements and connections (0: no statement limit);
  // see DB_STATEMENT_TIMEOUT_MS and DB_CONNECT_TIMEOUT_MS.
  FORJINN_DB_STATEMENT_TIMEOUT_MS: int(0, 3_600_000).default(DB_STATEMENT_TIMEOUT_MS),
  FORJINN_DB_CONNECT_TIMEOUT_MS: int(100, 60_000).default(DB_CONNECT_TIMEOUT_MS),
  DATA_DIR: z.string().min(1).default('./data'),
  FORJINN_MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{43,44}$|^[0-9a-fA-F]{64}$/, 'expected 32 bytes as base64 (44 chars) or hex (64 chars)')
    .optional(),
  FORJINN_RETRY_DELAYS: z
    .string()
    .default('1m,2m,4m,8m,15m')
    .transform((v, ctx) => {
      try {
        return parseDurationList(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  // Finished history older than this is removed (store/retention.ts); 0 keeps everything.
  FORJINN_RETENTION: z
    .string()
    .default(DEFAULT_RETENTION)
    .transform((v, ctx) => {
      try {
        return parseRetention(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  // A listener (`listen`) with no stream open this long is removed, its queued deliveries cancelled.
  FORJINN_LISTENER_TIMEOUT: z
    .string()
    .default('5m')
    .transform((v, ctx) => {
      try {
        const ms = parseDuration(v);
        if (ms < 1_000) throw new Error(`"${v}" is shorter than a second; expected a duration such as 5m or 30s`);
        return ms;
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    }),
  FORJINN_DELIVERY_TIMEOUT_MS: int(100, 300_000).default(10_000),
  FORJINN_CONNECT_TIMEOUT_MS: int(100, 60_000).default(5_000),
  FORJINN_MAX_RENDERED_BYTES: int(1024, 64 * 1024 * 1024).default(MAX_RENDERED_BYTES),
  FORJINN_CONCURRENCY: int(1, 10_000).default(256),
  FORJINN_ENDPOINT_CONCURRENCY: int(1, 1_000).default(16),
  FORJINN_POLL_INTERVAL_MS: int(10, 60_000).default(1_000),
  FORJINN_LEASE_MS: int(1_000, 3_600_000).default(120_000),
  FORJINN_DISABLE_AFTER_FAILURES: int(0, 100_000).default(20),
  FORJINN_MAX_WEBHOOKS_PER_WORKSPACE: int(1, 1_000_000).default(MAX_WEBHOOKS_PER_WORKSPACE),
  FORJINN_MAX_PENDING_EVENTS: int(1, 10_000_000).default(MAX_PENDING_EVENTS),
  FORJINN_ALLOW_PRIVATE: bool.optional(),
  FORJINN_ALLOWED_CIDRS: z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parseCidrList(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: `${(e as Error).message}; expected comma-separated CIDRs, e.g. 10.0.0.0/8,fd00::/8` });
      }
    }),
  FORJINN_PUBLIC_URL: url.optional(),
  FORJINN_APP_URL: url.optional(),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().min(1).optional(),
  SLACK_API_URL: url.default('https://slack.com/api'),
  SLACK_ADMIN_USERS: z.string().default(''),
  // Tracing (docs/operations.md "Tracing"): set, spans are exported over OTLP/HTTP to <it>/v1/traces.
  OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).default('forjinn-webhooks'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Unset: pretty lines on a terminal, JSON otherwise (core/log.ts resolveLogFormat).
  LOG_FORMAT: z.enum(['pretty', 'json'], { message: 'expected pretty or json' }).optional(),
});

export type Env = z.infer<typeof schema>;
export interface Config extends Env {
  production: boolean;
  /** FORJINN_ALLOW_PRIVATE resolved: defaults to true outside production. */
  allowPrivate: boolean;
  /** FORJINN_ALLOWED_CIDRS parsed into ranges, once. */
  allowedRanges: readonly Cidr[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  // Empty strings mean "unset": `FOO= npm start` should not fail validation.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '?');
        return `${name}=${JSON.stringify(cleaned[name] ?? '')}: ${i.message}`;
      }),
    );
  }
  const production = parsed.data.NODE_ENV === 'production';
  const problems: string[] = [];
  const { FORJINN_LEASE_MS: lease, FORJINN_DELIVERY_TIMEOUT_MS: timeout } = parsed.data;
  if (lease < timeout + LEASE_MARGIN_MS) {
    problems.push(
      `FORJINN_LEASE_MS=${lease}: shorter than FORJINN_DELIVERY_TIMEOUT_MS (${timeout}) plus ${LEASE_MARGIN_MS} ms to prepare an attempt and store its result. ` +
        'A lease that runs out while its attempt is still under way lets another claim take the delivery and send it a second time at once. ' +
        `Set FORJINN_LEASE_MS to at least ${timeout + LEASE_MARGIN_MS}, or lower FORJINN_DELIVERY_TIMEOUT_MS`,
    );
  }
  if (production && parsed.data.DATABASE_URL && !parsed.data.FORJINN_MASTER_KEY) {
    problems.push('FORJINN_MASTER_KEY: required in production with DATABASE_URL (32 random bytes, base64: `openssl rand -base64 32`)');
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze({
    ...parsed.data,
    production,
    allowPrivate: parsed.data.FORJINN_ALLOW_PRIVATE ?? !production,
    allowedRanges: Object.freeze(parseCidrList(parsed.data.FORJINN_ALLOWED_CIDRS)),
  });
}
