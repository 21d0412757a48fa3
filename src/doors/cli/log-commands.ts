// The request log from the command line, through a service's API (as the settings page reads it):
// deliveries list|show, redeliver, recover, events list, and tail (new attempts as they happen).
// Each takes --json for scripts: the API's own objects, one JSON document (tail: one per line).
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, parse, type ArgOptions, type ParsedArgs } from './args.js';
import type { Command } from './command.js';
import type { ServiceClient } from './service-client.js';
// The API's answers, as the settings page reads them.
import type { Attempt, Delivery, DeliveryDetail } from '../../core/request-log-types.js';

const LIST = 'forjinn-webhooks deliveries list [--webhook <id>] [--status S] [--since <time>] [--limit N] [--json]';
const SHOW = 'forjinn-webhooks deliveries show <delivery id> [--json]';
const REDELIVER = 'forjinn-webhooks redeliver <delivery id> [--json]';
const RECOVER = 'forjinn-webhooks recover --webhook <id> [--since <time>] [--json]';
const EVENTS = 'forjinn-webhooks events list [--limit N] [--json]';
const TAIL = 'forjinn-webhooks tail [--webhook <id>] [--json]';

type Page<T> = { data: T[]; nextCursor: string | null };

const out = (text: string) => process.stdout.write(text);
const json = (value: unknown) => out(`${JSON.stringify(value, null, 2)}\n`);

/** These read the log the API keeps (and `listen` streams from it): without a service there is nothing to ask. */
export function through(service: ServiceClient | undefined, name: string): ServiceClient {
  if (service) return service;
  throw new CliError(
    `${name} reads the request log through the service's API: give --url <base> --key <api key> before the command ` +
      '(or FORJINN_URL and FORJINN_KEY; a key alone means the service on this machine)',
  );
}

function time(flag: string, raw: string | undefined, usage: string): number | undefined {
  if (raw === undefined) return undefined;
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw new CliError(`${flag}: "${raw}" is not a time (e.g. 2026-12-07T10:00:00Z)\n\nusage: ${usage}`);
  return at;
}

function count(flag: string, raw: string | undefined, usage: string, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`${flag}: must be a whole number from 1 to ${max}\n\nusage: ${usage}`);
  return n;
}

const path = (id: string) => encodeURIComponent(id);

async function webhookIds(service: ServiceClient, only: string | undefined): Promise<string[]> {
  if (only) return [only];
  return (await service.call<{ data: { id: string }[] }>('GET', '/v1/webhooks')).body.data.map((h) => h.id);
}

/** A webhook's deliveries, newest first, while they are newer than `since`, up to `limit`. */
async function deliveriesOf(service: ServiceClient, hook: string, q: { status?: string; since?: number; limit: number }): Promise<Delivery[]> {
  const found: Delivery[] = [];
  for (let cursor: string | null = null; found.length < q.limit; ) {
    const params = new URLSearchParams({ limit: String(Math.min(250, q.limit - found.length)) });
    if (q.status) params.set('status', q.status);
    if (cursor) params.set('cursor', cursor);
    const page: Page<Delivery> = (await service.call<Page<Delivery>>('GET', `/v1/webhooks/${path(hook)}/deliveries?${params}`)).body;
    for (const d of page.data) {
      if (q.since !== undefined && Date.parse(d.createdAt) < q.since) return found;
      found.push(d);
    }
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return found;
}

/** `→ 204  12 ms`, `→ 500  8 ms  (error)`, or what is pending. */
function answer(d: Pick<Delivery, 'lastStatusCode' | 'lastError' | 'lastDurationMs' | 'attempts'>): string {
  if (d.attempts === 0) return '(not attempted yet)';
  const code = d.lastStatusCode ?? 'no answer';
  const ms = d.lastDurationMs === null ? '' : `  ${d.lastDurationMs} ms`;
  return `→ ${code}${ms}${d.lastError ? `  (${d.lastError})` : ''}`;
}

/** One delivery's line; `withHook` when the list covers several webhooks. */
function deliveryLine(d: Delivery, withHook: boolean): string {
  const tries = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  const next = d.nextAttemptAt ? `  next ${d.nextAttemptAt}` : '';
  const hook = withHook ? `  webhook ${d.webhookId}` : '';
  return `${d.id}  ${d.status.padEnd(9)}  ${d.eventType.padEnd(20)}  ${d.createdAt}  ${tries.padEnd(10)}  ${answer(d)}${next}${d.test ? '  [test]' : ''}${hook}\n`;
}

function block(label: string, headers: Record<string, string> | null, body: string | null, truncated: boolean): string {
  const lines = [`  ${label}`];
  for (const [name, value] of Object.entries(headers ?? {})) lines.push(`    ${name}: ${value}`);
  if (body) {
    let shown = body;
    try {
      shown = JSON.stringify(JSON.parse(body), null, 2);
    } catch {
      /* not JSON: as it was */
    }
    lines.push('', ...shown.split('\n').map((l) => `    ${l}`));
    if (truncated) lines.push('    … (cut: the log keeps the start of large bodies)');
  }
  return `${lines.join('\n')}\n`;
}

function attemptText(a: Attempt): string {
  const head = `attempt ${a.attempt}  ${a.createdAt}  ${a.trigger}  ${a.outcome}  → ${a.responseStatus ?? 'no answer'}${a.durationMs === null ? '' : `  ${a.durationMs} ms`}`;
  return [
    `\n${head}${a.error ? `\n  error: ${a.error}` : ''}\n`,
    block(`POST ${a.url}`, a.requestHeaders, a.requestBody, a.requestBodyTruncated),
    a.responseStatus === null ? '' : block(`answer ${a.responseStatus}`, a.responseHeaders, a.responseBody, a.responseBodyTruncated),
  ].join('');
}

/** `tail`'s line for one new attempt. */
function attemptLine(d: Delivery): string {
  return `${d.lastAttemptAt ?? d.createdAt}  ${d.eventType.padEnd(20)}  ${d.eventId}  ${d.id}  attempt ${d.attempts}  ${answer(d)}  ${d.status}\n`;
}

const JSON_FLAG = { json: { type: 'boolean', default: false } } as const;
type Parsed<O extends ArgOptions> = ParsedArgs<O & typeof JSON_FLAG>;

/** The delivery id a command is given first. */
function idOf(positionals: string[], usage: string): string {
  if (!positionals[0]) throw new CliError(`missing delivery id\n\nusage: ${usage}`);
  return positionals[0];
}

/**
 * A command that asks the API once: `ask` gets the answer, printed as JSON with --json, otherwise
 * by `show` as lines for a person.
 */
function apiCommand<O extends ArgOptions, T>(c: {
  name: string;
  summary: string;
  usage: string;
  help?: string;
  options: O;
  ask(api: ServiceClient, a: Parsed<O>): Promise<T>;
  show(answer: T, a: Parsed<O>): void;
}): Command {
  return {
    name: c.name,
    summary: c.summary,
    usage: c.help ? `${c.usage}\n\n${c.help}` : c.usage,
    remote: true,
    apiOnly: true,
    async run(args, service) {
      const api = through(service, c.name);
      const a = parse(args, { ...c.options, ...JSON_FLAG }, c.usage);
      const answer = await c.ask(api, a);
      // Every apiCommand takes JSON_FLAG; parse's type cannot follow the spread of a generic.
      if ((a.values as { json: boolean }).json) json(answer);
      else c.show(answer, a);
      return 0;
    },
  };
}

type Event = { id: string; type: string; test: boolean; createdAt: string; deliveries: number; succeeded: number; failed: number; pending: number };

export const logCommands: Command[] = [
  apiCommand({
    name: 'deliveries list',
    summary: "The request log: deliveries, newest first (of one webhook, or all of the key's workspace)",
    usage: LIST,
    help: '--status: pending, succeeded, failed, cancelled, muted, ...; --since: created at or after that time; --limit: at most N (default 50).',
    options: { webhook: { type: 'string' }, status: { type: 'string' }, since: { type: 'string' }, limit: { type: 'string' } },
    async ask(api, { values }) {
      const since = time('--since', values.since, LIST);
      const limit = count('--limit', values.limit, LIST, 10_000) ?? 50;
      const all: Delivery[] = [];
      for (const hook of await webhookIds(api, values.webhook)) all.push(...(await deliveriesOf(api, hook, { status: values.status, since, limit })));
      return { data: all.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, limit) };
    },
    show({ data }, { values }) {
      if (data.length === 0) out('no deliveries\n');
      for (const d of data) out(deliveryLine(d, !values.webhook));
    },
  }),
  apiCommand({
    name: 'deliveries show',
    summary: 'One delivery: its event and every attempt, with the request and the answer',
    usage: SHOW,
    options: {},
    ask: async (api, { positionals }) => (await api.call<DeliveryDetail>('GET', `/v1/deliveries/${path(idOf(positionals, SHOW))}`)).body,
    show(d) {
      out(`delivery ${d.id}  ${d.status}${d.test ? '  [test]' : ''}\n`);
      out(`webhook  ${d.webhookId}\nevent    ${d.eventType}  ${d.eventId}\ncreated  ${d.createdAt}\n`);
      if (d.nextAttemptAt) out(`next attempt ${d.nextAttemptAt}\n`);
      if (d.attempts.length === 0) out('\nno attempts yet\n');
      for (const a of d.attempts) out(attemptText(a));
    },
  }),
  apiCommand({
    name: 'redeliver',
    summary: 'Send a delivery again now: one more attempt of the same delivery',
    usage: REDELIVER,
    options: {},
    ask: async (api, { positionals }) =>
      (await api.call<{ id: string; status: string }>('POST', `/v1/deliveries/${path(idOf(positionals, REDELIVER))}/redeliver`)).body,
    show: (res) => out(`${res.id} is ${res.status} again: the worker sends it now (deliveries show ${res.id} for the answer)\n`),
  }),
  apiCommand({
    name: 'recover',
    summary: "Send a webhook's failed deliveries again (those since a time; default: all still in the log)",
    usage: RECOVER,
    options: { webhook: { type: 'string' }, since: { type: 'string' } },
    async ask(api, { values }) {
      if (!values.webhook) throw new CliError(`missing --webhook\n\nusage: ${RECOVER}`);
      time('--since', values.since, RECOVER);
      // Without --since, every failed delivery the log still holds (retention removes older ones).
      const since = values.since ?? new Date(0).toISOString();
      return (await api.call<{ recovered: number }>('POST', `/v1/webhooks/${path(values.webhook)}/recover?${new URLSearchParams({ since })}`)).body;
    },
    show: (res, { values }) => out(`recovered ${res.recovered} failed deliver${res.recovered === 1 ? 'y' : 'ies'} of ${values.webhook}: queued to send again\n`),
  }),
  apiCommand({
    name: 'events list',
    summary: 'The events reported, newest first, with how their deliveries stand',
    usage: EVENTS,
    options: { limit: { type: 'string' } },
    async ask(api, { values }) {
      const limit = count('--limit', values.limit, EVENTS, 250) ?? 50;
      return (await api.call<Page<Event>>('GET', `/v1/events?limit=${limit}`)).body;
    },
    show(page) {
      if (page.data.length === 0) out('no events\n');
      for (const e of page.data) {
        out(`${e.id}  ${e.type.padEnd(20)}  ${e.createdAt}  ${e.deliveries} deliver${e.deliveries === 1 ? 'y' : 'ies'}: ${e.succeeded} succeeded, ${e.failed} failed, ${e.pending} pending${e.test ? '  [test]' : ''}\n`);
      }
    },
  }),
  {
    name: 'tail',
    summary: 'Follow the request log: one line per new attempt, until Ctrl-C',
    usage: `${TAIL}\n\nAsks the API every second; --json prints each attempt's delivery as one JSON line.`,
    remote: true,
    apiOnly: true,
    async run(args, service) {
      const api = through(service, 'tail');
      const { values } = parse(args, { webhook: { type: 'string' }, ...JSON_FLAG }, TAIL);
      const seen = new Map<string, number>(); // delivery id -> attempts already shown
      const look = async (show: boolean) => {
        const fresh: Delivery[] = [];
        for (const hook of await webhookIds(api, values.webhook)) {
          for (const d of await deliveriesOf(api, hook, { limit: 100 })) {
            if ((seen.get(d.id) ?? 0) < d.attempts) fresh.push(d);
            seen.set(d.id, Math.max(seen.get(d.id) ?? 0, d.attempts));
          }
        }
        if (!show) return;
        for (const d of fresh.sort((a, b) => (a.lastAttemptAt ?? '').localeCompare(b.lastAttemptAt ?? ''))) {
          out(values.json ? `${JSON.stringify(d)}\n` : attemptLine(d));
        }
      };
      // Ctrl-C (or a TERM) ends the wait between looks at once.
      const stop = new AbortController();
      const end = () => stop.abort();
      process.once('SIGINT', end);
      process.once('SIGTERM', end);
      await look(false);
      process.stderr.write(`following the request log of ${values.webhook ?? 'every webhook'} at ${api.url} (Ctrl-C to stop)\n`);
      for (;;) {
        await sleep(1_000, undefined, { signal: stop.signal }).catch(() => {});
        if (stop.signal.aborted) return 0;
        await look(true);
      }
    },
  },
];
