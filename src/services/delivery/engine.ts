// The delivery engine as a part of the running service: sender, result writer, metrics and,
// with the worker role, the worker. API-only processes still need the sender for Send Test.
import type { PluginFactory } from '../../plugins.js';
import type { AppContext } from '../../core/context.js';
import { createSender, type Sender } from './http.js';
import { ResultWriter } from './results.js';
import { Worker } from './worker.js';
import { Metrics } from './metrics.js';
import type { AttemptDeps } from './attempt.js';
import { WebhookCache } from './webhook-cache.js';
import { mountEventRoutes } from '../../doors/api/event-routes.js';
import { mountDeliveryRoutes } from '../../doors/api/delivery-routes.js';
import { connectGuard } from './ssrf.js';
import { fastIngest } from '../../doors/api/fast-ingest.js';
import { workspaceHasSlackTeam } from '../webhooks/slack-bot-mode.js';

export interface Engine {
  ctx: AppContext;
  sender: Sender;
  writer: ResultWriter;
  metrics: Metrics;
  deps: AttemptDeps;
  cache: WebhookCache;
  worker?: Worker;
}

export function createEngine(ctx: AppContext, opts: { worker: boolean }): Engine {
  const { config } = ctx;
  const sender = createSender({
    timeoutMs: config.FORJINN_DELIVERY_TIMEOUT_MS,
    connectTimeoutMs: config.FORJINN_CONNECT_TIMEOUT_MS,
    connect: connectGuard(config),
  });
  const metrics = new Metrics(ctx.db);
  const writer = new ResultWriter(ctx.db, ctx.log, config.FORJINN_DISABLE_AFTER_FAILURES, {
    onFlushed: (records, disabled) => {
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
  };
  const cache = new WebhookCache(ctx.cipher, config.FORJINN_ENDPOINT_CONCURRENCY);
  const engine: Engine = { ctx, sender, writer, metrics, deps, cache };
  if (opts.worker) engine.worker = new Worker(ctx, sender, writer, deps, cache, metrics);
  return engine;
}

export const deliveryPlugin: PluginFactory = {
  name: 'delivery',
  async start(ctx, roles) {
    const engine = createEngine(ctx, { worker: roles.worker });
    if (engine.worker) {
      await engine.worker.start();
      ctx.wake = engine.worker.wake;
      ctx.local = engine.worker;
    }
    return {
      extend(ext) {
        ext.routes!.push((r) => mountEventRoutes(r, engine), (r) => mountDeliveryRoutes(r, engine));
        (ext.fast ??= []).push(fastIngest(ctx));
        ext.publicRoutes!.push((app) =>
          app.get('/metrics', async (_req, res) => {
            res.type(engine.metrics.registry.contentType).send(await engine.metrics.registry.metrics());
          }),
        );
      },
      async stop() {
        if (engine.worker) await engine.worker.stop();
        else {
          await engine.writer.flush();
          await engine.sender.close();
        }
      },
    };
  },
};
