// Listeners (`forjinn-webhooks listen`, issue 29): a listener is a generic webhook of its workspace
// whose deliveries go to a CLI's stream instead of a URL. Events fan out to it as to any webhook
// (the ingest statement, the same deliveries, attempts and retries); workers never claim its rows
// (deliveries.listener). The API process holding its stream (GET /v1/listeners/:id/stream) claims
// them with a lease, runs each attempt through runAttempt with a sender that hands the signed
// request to the stream and waits for the CLI's answer (POST .../result), and stores it as any
// attempt. An answer that never comes (the CLI died, the stream ended) gives the lease back, so
// the delivery is sent again on the next stream. A listener with no stream for
// FORJINN_LISTENER_TIMEOUT is removed, its queued deliveries cancelled.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AppContext } from '../../core/context.js';
import { ApiError, notFound } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { withTransaction } from '../../store/database.js';
import { claimListenerDue, releaseLeases, type ClaimedRow, type Lease } from '../../store/deliveries/index.js';
import { expiredListeners, insertWebhook, renewListener, type Filters } from '../../store/webhooks.js';
import { hintUrl } from '../../core/reveal.js';
import type { Engine } from '../delivery/engine.js';
import type { Sender, SendResult } from '../delivery/http.js';
import { runAttempt } from '../delivery/attempt.js';
import { jobOf } from '../delivery/worker.js';
import { checkRoom, deleteWebhook, generateSecret, loadWebhook } from '../webhooks/service.js';
import { webhookFields } from '../webhooks/schema.js';
import type { ForwardedRequest } from '../../core/request-log-types.js';
import { formatDuration } from '../transformers/shared/text.js';

/** Deliveries one stream may have out (sent to the CLI, not yet answered) at once. */
const IN_FLIGHT = 16;

export const createListenerSchema = z
  .object({
    forwardTo: z
      .string()
      .trim()
      .max(2048, 'at most 2048 characters')
      .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'must be an http:// or https:// URL (where listen forwards each delivery)' }),
    events: webhookFields.events.default(['*']),
    filters: webhookFields.filters.default({}),
  })
  .strict();

export interface ListenerView {
  id: string;
  forwardTo: string;
  events: string[];
  filters: Filters;
  /** How long the listener is kept with no stream open, in milliseconds. */
  timeoutMs: number;
}

type Ctx = Pick<AppContext, 'db' | 'cipher' | 'config'>;

/** A new listener of the workspace and its signing secret (shown this once, as a webhook's). */
export async function createListener(ctx: Ctx, workspaceId: string, raw: unknown): Promise<ListenerView & { secret: string }> {
  const input = parseInput(createListenerSchema, raw);
  const secret = generateSecret();
  const timeoutMs = ctx.config.FORJINN_LISTENER_TIMEOUT;
  const row = await withTransaction(ctx.db, async (tx) => {
    await checkRoom(tx, ctx, workspaceId);
    return insertWebhook(tx, ctx.cipher, workspaceId, {
      // Shown in the request log as where each attempt went; the service never sends to it.
      url: input.forwardTo,
      urlMasked: hintUrl(input.forwardTo),
      secret,
      events: input.events,
      enabled: true,
      description: `listen → ${input.forwardTo}`,
      transformer: 'generic',
      transformerConfig: {},
      template: null,
      filters: input.filters,
      headers: {},
      maxAttempts: null,
      origin: { source: 'cli', kind: 'listener' },
      listenerMs: timeoutMs,
    });
  });
  return { id: row.id, forwardTo: input.forwardTo, events: row.events, filters: row.filters, timeoutMs, secret };
}

/** The workspace's listener `id` (a 404 for anything else: another workspace's, a plain webhook, a removed one). */
export async function loadListener(ctx: Ctx, workspaceId: string, id: string) {
  const hook = await loadWebhook(ctx, workspaceId, id).catch(() => undefined);
  if (!hook?.listener) throw notFound('listener');
  return hook;
}

/** Ctrl-C: the listener goes, its queued deliveries cancelled. */
export async function deleteListener(ctx: Ctx, workspaceId: string, id: string): Promise<{ cancelled: number }> {
  await loadListener(ctx, workspaceId, id);
  return deleteWebhook(ctx, workspaceId, id, 'listener removed (listen stopped)');
}


/** The CLI's answer for one attempt: the local receiver's response, or why there was none. */
export const listenerResultSchema = z
  .object({
    attempt: z.number().int().min(1),
    status: z.number().int().min(100).max(599).optional(),
    headers: z.record(z.string(), z.string()).default({}),
    body: z.string().max(64 * 1024, 'at most 64 KiB (send the start of the body)').default(''),
    durationMs: z.number().int().min(0).max(86_400_000),
    error: z.string().max(1000).optional(),
  })
  .strict()
  .refine((r) => (r.status === undefined) !== (r.error === undefined), { message: 'give either status (the local answer) or error (why there was none)' });

class StreamClosed extends Error {}

interface Waiting {
  attempt: number;
  lease: Lease;
  answer(result: SendResult): void;
  fail(err: Error): void;
}

/** One open stream of one listener: claims its due deliveries and pushes them until closed. */
class ListenerStream {
  private waiting = new Map<string, Waiting>();
  private closed = false;
  private pumping = false;
  private timer: NodeJS.Timeout | undefined;
  private leases = 0;
  private readonly token = `listen:${randomUUID().slice(0, 8)}`;

  constructor(
    private engine: Engine,
    readonly listenerId: string,
    private push: (request: ForwardedRequest) => void,
    private onGone: () => void,
  ) {}

  start() {
    const { config } = this.engine.ctx;
    // Kept alive while open: renewed well within the timeout.
    const renewEvery = Math.max(500, Math.min(config.FORJINN_POLL_INTERVAL_MS, config.FORJINN_LISTENER_TIMEOUT / 3));
    let sinceRenew = 0;
    const tick = () => {
      if (this.closed) return;
      sinceRenew += config.FORJINN_POLL_INTERVAL_MS;
      if (sinceRenew >= renewEvery) {
        sinceRenew = 0;
        void renewListener(this.engine.ctx.db.pool, this.listenerId, config.FORJINN_LISTENER_TIMEOUT)
          .then((kept) => kept || this.onGone())
          .catch(() => {});
      }
      this.pump();
      this.timer = setTimeout(tick, config.FORJINN_POLL_INTERVAL_MS);
    };
    void renewListener(this.engine.ctx.db.pool, this.listenerId, config.FORJINN_LISTENER_TIMEOUT).catch(() => {});
    tick();
  }

  pump = (): void => {
    if (this.closed || this.pumping) return;
    const room = IN_FLIGHT - this.waiting.size;
    if (room <= 0) return;
    this.pumping = true;
    void this.claim(room)
      .catch((err) => this.closed || this.engine.ctx.log.warn({ err, listenerId: this.listenerId }, 'claiming a listener\'s deliveries failed; will retry'))
      .finally(() => (this.pumping = false));
  };

  private async claim(room: number) {
    const { ctx, cache } = this.engine;
    const rows = await claimListenerDue(ctx.db.pool, this.listenerId, room, ctx.config.FORJINN_LEASE_MS, `${this.token}/${++this.leases}`);
    if (rows.length === 0) return;
    if (this.closed) return void (await releaseLeases(ctx.db.pool, rows));
    await cache.ensure(ctx.db.pool, new Map([[this.listenerId, rows[0].webhook_updated_at]]));
    for (const row of rows) void this.attempt(row);
    if (rows.length === room) this.pump();
  }

  /** One attempt: the request to the CLI, its answer stored as any attempt's result. */
  private async attempt(row: ClaimedRow) {
    const { ctx, cache, writer, deps, metrics } = this.engine;
    const hook = cache.get(this.listenerId);
    const job = jobOf(row);
    if (!hook || row.webhook_deleted || !row.webhook_enabled) return void (await releaseLeases(ctx.db.pool, [row]).catch(() => {}));
    // The lease bounds the wait for an answer: past it the row is given back (sent again).
    const bound = Math.max(1_000, ctx.config.FORJINN_LEASE_MS - 2_000);
    const sender: Sender = {
      send: (_url, headers, body) =>
        new Promise<SendResult>((resolve, reject) => {
          const timer = setTimeout(() => this.drop(row.id, new StreamClosed('no answer within the lease')), bound);
          const settle = () => {
            clearTimeout(timer);
            this.waiting.delete(row.id);
          };
          this.waiting.set(row.id, {
            attempt: job.attempt,
            lease: job.lease,
            answer: (r) => (settle(), resolve(r)),
            fail: (e) => (settle(), reject(e)),
          });
          this.push({ deliveryId: row.id, attempt: job.attempt, eventId: row.external_id, eventType: row.event_type, headers, body });
        }),
      close: async () => {},
    };
    try {
      const record = await runAttempt({ ...deps, sender }, hook, job);
      metrics.observe(record, hook.transformer.name);
      await writer.add(record);
    } catch (err) {
      // Never answered: nothing is stored, the delivery goes back to wait for a stream.
      if (!(err instanceof StreamClosed)) ctx.log.error({ err, deliveryId: row.id }, 'listener attempt failed; the delivery is given back');
      await releaseLeases(ctx.db.pool, [job.lease]).catch(() => {});
    } finally {
      this.pump();
    }
  }

  private drop(deliveryId: string, err: Error) {
    this.waiting.get(deliveryId)?.fail(err);
  }

  /** The CLI's answer for a delivery this stream sent; false when it holds none such (answered already, or given back). */
  answer(deliveryId: string, attempt: number, result: SendResult): boolean {
    const w = this.waiting.get(deliveryId);
    if (!w || w.attempt !== attempt) return false;
    w.answer(result);
    return true;
  }

  /** The stream ended: the deliveries not answered are given back at once; the timeout counts from now. */
  close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    for (const id of [...this.waiting.keys()]) this.drop(id, new StreamClosed('stream closed'));
    const { ctx } = this.engine;
    void renewListener(ctx.db.pool, this.listenerId, ctx.config.FORJINN_LISTENER_TIMEOUT).catch(() => {});
  }
}

export interface ListenerHub {
  /**
   * Opens a stream of the workspace's listener; `push` gets each request, `onGone` once the
   * listener is removed, `onStop` when this process stops (the listener stays: its CLI reconnects).
   */
  open(workspaceId: string, id: string, push: (request: ForwardedRequest) => void, onGone: () => void, onStop: () => void): Promise<{ close(): void; timeoutMs: number }>;
  /** Records the CLI's answer for a delivery a stream of this process sent. */
  answer(workspaceId: string, id: string, deliveryId: string, raw: unknown): Promise<void>;
  /** Stops the sweeper and closes every stream (at shutdown, before the server closes). */
  stop(): void;
}

/** One per API process: its open streams, and the sweeper that removes listeners left without one. */
export function createListenerHub(engine: Engine): ListenerHub {
  const { ctx } = engine;
  /** Each open stream, with what ends it when this process stops. */
  const streams = new Map<ListenerStream, () => void>();
  const timeout = ctx.config.FORJINN_LISTENER_TIMEOUT;
  const sweep = async () => {
    for (const l of await expiredListeners(ctx.db.pool)) {
      if ([...streams.keys()].some((s) => s.listenerId === l.id)) continue; // renewed by its stream soon
      const reason = `listener removed: no stream for ${formatDuration(timeout)}`;
      const { cancelled } = await deleteWebhook(ctx, l.workspace_id, l.id, reason).catch(() => ({ cancelled: 0 }));
      ctx.log.info({ listenerId: l.id, cancelled }, reason);
    }
  };
  const sweeper = setInterval(() => void sweep().catch(() => {}), Math.max(250, Math.min(timeout / 4, 30_000)));
  sweeper.unref();
  return {
    async open(workspaceId, id, push, onGone, onStop) {
      await loadListener(ctx, workspaceId, id);
      const stream = new ListenerStream(engine, id, push, () => {
        stream.close();
        streams.delete(stream);
        onGone();
      });
      streams.set(stream, onStop);
      stream.start();
      return {
        timeoutMs: timeout,
        close: () => {
          stream.close();
          streams.delete(stream);
        },
      };
    },
    async answer(workspaceId, id, deliveryId, raw) {
      await loadListener(ctx, workspaceId, id);
      const r = parseInput(listenerResultSchema, raw);
      const result: SendResult =
        r.status !== undefined
          ? { kind: 'response', status: r.status, headers: r.headers, body: r.body, durationMs: r.durationMs }
          : { kind: 'error', reason: 'network', message: `listen: ${r.error}`, durationMs: r.durationMs };
      const held = [...streams.keys()].some((s) => s.listenerId === id && s.answer(deliveryId, r.attempt, result));
      if (!held) throw new ApiError('conflict', `delivery ${deliveryId} attempt ${r.attempt} is not out on a stream of this listener here (answered already, or given back: it is sent again)`);
    },
    stop() {
      clearInterval(sweeper);
      for (const [s, onStop] of streams) {
        s.close();
        onStop();
      }
      streams.clear();
    },
  };
}
