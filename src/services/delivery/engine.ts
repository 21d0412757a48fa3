// The delivery engine: sender, result writer, metrics and, with the worker role, the worker.
// One per process, built by main and handed to every door that starts attempts (Send Test from
// the API, the Slack app or the CLI), so every attempt is counted in the one registry /metrics
// serves. API-only processes still need the sender for Send Test. It mounts no routes: the
// doors do.
import type { AppContext } from '../../core/context.js';
import { createSender, type Sender } from './http.js';
import { ResultWriter } from './results.js';
import { logOutcomes } from './outcome-log.js';
import { Worker } from './worker.js';
import { Metrics } from './metrics.js';
import type { AttemptDeps } from './attempt.js';
import { WebhookCache } from './webhook-cache.js';
import type { Dispatch } from '../ingest/handoff.js';
import { connectGuard } from './ssrf.js';
import { workspaceHasSlackTeam } from '../../store/slack-links.js';
import type { Tracer } from '../../core/trace.js';

export interface Engine extends Dispatch {
  ctx: AppContext;
  sender: Sender;
  writer: ResultWriter;
  metrics: Metrics;
  deps: AttemptDeps;
  cache: WebhookCache;
  worker?: Worker;
  /** Starts the worker, when there is one. */
  start(): Promise<void>;
  /** Stops the worker (its attempts finish and are stored), or flushes the writer and closes the sender. */
  stop(): Promise<void>;
}

/** `tracer`: exports ingest's and each attempt's spans (services/tracing), when tracing is on. */
export function createEngine(ctx: AppContext, opts: { worker: boolean; tracer?: Tracer }): Engine {
  const { config } = ctx;
  const sender = createSender({
    timeoutMs: config.FORJINN_DELIVERY_TIMEOUT_MS,
    connectTimeoutMs: config.FORJINN_CONNECT_TIMEOUT_MS,
    connect: connectGuard(config),
  });
  const metrics = new Metrics(ctx.db);
  // The delivery log (outcome-log.ts): one line per attempt outcome, once it is stored.
  const log = ctx.log.child({ component: 'delivery' });
  const writer = new ResultWriter(ctx.db, ctx.log, config.FORJINN_DISABLE_AFTER_FAILURES, {
    onFlushed: (records, disabled, stale) => {
      logOutcomes(log, records, disabled);
      metrics.settled(records);
      // Fenced: another worker took the delivery over while this attempt was out (a stall past the
      // lease). Kept in the request log as late; one info line each, never an error or a failure.
      for (const r of stale) {
        metrics.staleResults.inc();
        log.info({ deliveryId: r.deliveryId, webhookId: r.webhookId, attempt: r.attempt, outcome: r.verdict.outcome }, 'late attempt result: its lease was taken over; stored as late, the delivery left as it is');
      }
      for (const r of records) {
        if (r.status === 'failed' && r.trigger !== 'test') ctx.bus.emit('delivery.failed', { deliveryId: r.deliveryId, webhookId: r.webhookId, attempt: r.attempt, reason: r.error });
      }
      for (const d of disabled) {
        metrics.disabled.inc();
        ctx.bus.emit('webhook.disabled', d);
      }
    },
  });
  const deps: AttemptDeps = {
    sender,
    retryDelays: config.FORJINN_RETRY_DELAYS,
    renderCtx: {
      publicUrl: config.FORJINN_PUBLIC_URL,
      appUrl: config.FORJINN_APP_URL,
      slackApiUrl: config.SLACK_API_URL,
      slackBotToken: config.SLACK_BOT_TOKEN,
      maxRenderedBytes: config.FORJINN_MAX_RENDERED_BYTES,
    },
    slackTeamLinked: (workspaceId) => workspaceHasSlackTeam(ctx.db.pool, workspaceId),
    tracer: opts.tracer,
  };
  const cache = new WebhookCache(ctx.cipher, config.FORJINN_ENDPOINT_CONCURRENCY);
  const worker = opts.worker ? new Worker(ctx, sender, writer, deps, cache, metrics) : undefined;
  return {
    ctx,
    sender,
    writer,
    metrics,
    deps,
    cache,
    worker,
    local: worker,
    wake: worker ? worker.wake : () => {},
    tracer: opts.tracer,
    start: async () => {
      await worker?.start();
    },
    async stop() {
      if (worker) await worker.stop();
      else {
        await writer.flush();
        await sender.close();
      }
    },
  };
}
