// `listen`: deliveries to a URL on this machine, through a service's API (services/listeners).
// Registers a listener of the key's workspace (or takes up one with --listener), holds its stream
// (Server-Sent Events), POSTs each delivery's signed request to --forward-to as a receiver gets it,
// prints one line per delivery and posts the local answer back, so the request log shows it.
// Reconnects with backoff when the stream drops (what was not answered is sent again); Ctrl-C
// removes the listener.
import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, parse } from './args.js';
import type { Command } from './command.js';
import type { ServiceClient } from './service-client.js';
import { through } from './log-commands.js';
import type { ForwardedRequest } from '../../core/request-log-types.js';

const USAGE = 'forjinn-webhooks listen --forward-to <local URL> [--events a,b|*] [--filter chatflow=<id>[,<id>]] [--listener <id>]';
const HELP = `${USAGE}

Registers a listener of the API key's workspace and forwards each matching event to --forward-to,
signed with the listener's secret (printed at start), as the service would send it to a webhook.
--filter takes chatflow=, agent= or dataset= (repeat it for more than one kind).
--listener takes up a listener this command registered earlier (its secret as printed then).
Ctrl-C removes the listener; its queued deliveries are cancelled, never sent anywhere else.`;

/** How long a local receiver may take to answer, and how much of its body goes to the request log. */
const FORWARD_TIMEOUT_MS = 30_000;
const KEEP_BODY = 16 * 1024;
const FILTER_KINDS: Record<string, 'chatflowIds' | 'agentIds' | 'datasetIds'> = { chatflow: 'chatflowIds', agent: 'agentIds', dataset: 'datasetIds' };

type Forwarded = ForwardedRequest;

const out = (text: string) => process.stdout.write(text);
const say = (text: string) => process.stderr.write(text);

function forwardUrl(raw: string | undefined): string {
  if (!raw) throw new CliError(`missing --forward-to (where to send each delivery, e.g. http://localhost:4000/hooks)\n\nusage: ${USAGE}`);
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new CliError(`--forward-to: "${raw}" is not a URL (expected e.g. http://localhost:4000/hooks)\n\nusage: ${USAGE}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CliError(`--forward-to: expected an http:// or https:// URL, got ${u.protocol}\n\nusage: ${USAGE}`);
  return raw;
}

function filtersOf(given: string[] | undefined): Record<string, string[]> {
  const filters: Record<string, string[]> = {};
  for (const f of given ?? []) {
    const [kind, ids] = f.split(/=(.*)/s, 2);
    const field = FILTER_KINDS[kind];
    const list = (ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (!field || list.length === 0) throw new CliError(`--filter: "${f}" is not chatflow=<id>, agent=<id> or dataset=<id> (ids comma-separated)\n\nusage: ${USAGE}`);
    filters[field] = [...(filters[field] ?? []), ...list];
  }
  return filters;
}

/** Server-Sent Events from a response body: each event's name and data, until the body ends. */
async function* events(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true }).replace(/\r\n?/g, '\n');
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // a comment: the heartbeat
        const [field, value = ''] = line.split(/:(.*)/s, 2);
        if (field === 'event') event = value.trimStart();
        else if (field === 'data') data.push(value.startsWith(' ') ? value.slice(1) : value);
      }
      if (data.length) yield { event, data: data.join('\n') };
    }
  }
}

/** POSTs the request to the local receiver; answers what the request log should record. */
async function forward(to: string, d: Forwarded) {
  const started = performance.now();
  try {
    const res = await fetch(to, { method: 'POST', headers: d.headers, body: d.body, redirect: 'manual', signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS) });
    const text = await res.text().catch(() => '');
    const durationMs = Math.round(performance.now() - started);
    return { attempt: d.attempt, status: res.status, headers: Object.fromEntries(res.headers), body: text.slice(0, KEEP_BODY), durationMs };
  } catch (e) {
    const err = e as Error & { cause?: Error };
    const why = err.name === 'TimeoutError' ? `no answer in ${FORWARD_TIMEOUT_MS / 1000} s` : (err.cause?.message ?? err.message);
    return { attempt: d.attempt, error: `${to}: ${why}`, durationMs: Math.round(performance.now() - started) };
  }
}

async function handle(api: ServiceClient, id: string, to: string, d: Forwarded): Promise<void> {
  const result = await forward(to, d);
  const answer = 'status' in result ? `→ ${result.status}` : `→ error: ${result.error}`;
  out(`${d.eventType.padEnd(20)}  ${d.eventId}  ${answer}  ${result.durationMs} ms\n`);
  try {
    await api.call('POST', `/v1/listeners/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(d.deliveryId)}/result`, { body: result });
  } catch (e) {
    // The stream that sent it has ended: the service gives the delivery back and sends it again.
    say(`could not report delivery ${d.deliveryId}'s answer (${(e as Error).message.replace(/^error: /, '')}); it will be sent again\n`);
  }
}

export const listenCommands: Command[] = [
  {
    name: 'listen',
    summary: 'Forward the workspace\'s events to a URL on this machine (signed, logged), until Ctrl-C',
    usage: HELP,
    remote: true,
    apiOnly: true,
    async run(args, service) {
      const { values } = parse(
        args,
        { 'forward-to': { type: 'string' }, events: { type: 'string' }, filter: { type: 'string', multiple: true }, listener: { type: 'string' } },
        USAGE,
      );
      const to = forwardUrl(values['forward-to']);
      const filters = filtersOf(values.filter);
      const api = through(service, 'listen');
      let id = values.listener;
      if (id) {
        say(`listener ${id}: taking it up (its secret as printed when it was registered)\n`);
      } else {
        const events = (values.events ?? '*').split(',').map((s) => s.trim()).filter(Boolean);
        const { body } = await api.call<{ id: string; secret: string; events: string[] }>('POST', '/v1/listeners', { body: { forwardTo: to, events, filters } });
        id = body.id;
        out(`listener ${id}\nsecret   ${body.secret}\nforwarding ${body.events.join(',') === '*' ? 'every event' : body.events.join(', ')} of the workspace to ${to}\n`);
      }
      const stop = new AbortController();
      const end = () => stop.abort();
      process.once('SIGINT', end);
      process.once('SIGTERM', end);
      const path = `/v1/listeners/${encodeURIComponent(id)}/stream`;
      let failures = 0;
      let gone = false;
      while (!stop.signal.aborted && !gone) {
        try {
          const res = await api.stream(path, stop.signal);
          for await (const e of events(res.body!)) {
            if (e.event === 'ready') {
              failures = 0;
              say(`ready: forwarding to ${to} (Ctrl-C to stop and remove the listener)\n`);
            } else if (e.event === 'delivery') void handle(api, id, to, JSON.parse(e.data) as Forwarded);
            else if (e.event === 'removed') gone = true;
          }
        } catch (e) {
          if (stop.signal.aborted) break;
          // The listener is not there (removed, or another workspace's), or the key is refused: no use trying again.
          if (e instanceof CliError && !/cannot reach/.test(e.message)) throw new CliError(e.message, 1);
        }
        if (stop.signal.aborted || gone) break;
        const wait = Math.min(500 * 2 ** failures++, 10_000);
        say(`stream lost; reconnecting in ${wait / 1000} s (deliveries not answered are sent again)\n`);
        await sleep(wait, undefined, { signal: stop.signal }).catch(() => {});
      }
      if (gone) {
        say(`listener ${id} was removed by the service (no stream for its timeout)\n`);
        return 1;
      }
      await api.call('DELETE', `/v1/listeners/${encodeURIComponent(id)}`).catch((e: Error) => say(`${e.message}\n`));
      say(`listener ${id} removed\n`);
      return 0;
    },
  },
];
