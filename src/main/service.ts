// The running service, put together in one place: the context, the one delivery engine, and
// every door mounted explicitly (the API with its routes, the Slack app, the settings page).
// Stopped on close in reverse order: the HTTP server, the Slack app, the engine, the database.
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { countApiKeys } from '../store/api-keys.js';
import { createApiKey } from '../services/auth/api-keys.js';
import { loadConfig, type Config } from '../core/config.js';
import type { AppContext, Roles } from '../core/context.js';
import type { Logger } from '../core/log.js';
import { openContext } from '../store/open.js';
import { createEngine, type Engine } from '../services/delivery/engine.js';
import { startPruner } from '../services/retention/pruner.js';
import { startTracer } from '../services/tracing/start.js';
import { createApp, createMetricsApp, requestListener } from '../doors/api/app.js';
import { startSlackApp } from '../doors/slack/switch.js';
import { mountWebPage } from '../doors/web/routes.js';
import { createListenerHub } from '../services/listeners/service.js';

export type { Roles };

export interface Runtime {
  ctx: AppContext;
  /** http://host:port of a worker-only process's /metrics and /healthz. */
  metricsUrl?: string;
  /** The process's one delivery engine (its worker, when the worker role runs here). */
  engine: Engine;
  /** http://host:port of the API, when the api role runs. */
  url?: string;
  /** The express application, when the api role runs. */
  app?: Express;
  /** Set on first start: the key printed for the `default` workspace. */
  bootstrapKey?: string;
  close(): Promise<void>;
}

export async function startRuntime(
  config: Readonly<Config> = loadConfig(),
  roles: Roles = { api: true, worker: true },
  opts: { log?: Logger } = {},
): Promise<Runtime> {
  // The service's statements are bounded (a stalled database answers 503); the CLI's are not.
  const { ctx } = await openContext(config, { exclusive: true, log: opts.log, requestTimeouts: true });
  const closers: Array<() => Promise<void>> = [() => ctx.db.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err) => ctx.log.error({ err }, 'error while closing'));
  };
  try {
    if (!config.allowPrivate) ctx.log.info('private and loopback webhook targets are refused');
    else ctx.log.warn('FORJINN_ALLOW_PRIVATE: webhooks may target private and loopback addresses (the default outside production)');

    // Tracing on (OTEL_EXPORTER_OTLP_ENDPOINT): flushed after the engine has stopped, so the last attempts' spans go out too.
    const tracer = await startTracer(config);
    if (tracer) {
      ctx.log.info('tracing: spans exported over OTLP/HTTP');
      closers.push(() => tracer.shutdown().catch((err) => ctx.log.warn({ err }, 'tracing: the last spans could not be exported')));
    }
    const engine = createEngine(ctx, { worker: roles.worker, tracer });
    await engine.start();
    closers.push(() => engine.stop());
    // serve and worker remove finished history older than FORJINN_RETENTION on their own.
    if (roles.worker) {
      const pruner = startPruner(ctx);
      closers.push(() => pruner.stop());
    }

    const slack = await startSlackApp(ctx, engine, roles);
    if (slack) closers.push(() => slack.stop());

    let url: string | undefined;
    let metricsUrl: string | undefined;
    let bootstrapKey: string | undefined;
    let app: Express | undefined;
    if (roles.api) {
      const listeners = createListenerHub(engine);
      app = createApp(ctx, engine, { slack: slack?.mount, page: (a) => mountWebPage(a, ctx), listeners });
      url = await listen(createServer(requestListener(ctx, engine, app)), config.PORT, config.HOST, closers);
      // Run before the server's close (closers run last first): open streams would hold it open.
      closers.push(async () => listeners.stop());
      // Made only once the server listens: a first start that fails (EADDRINUSE, the likeliest
      // first-run failure) must not make a key nobody saw, leaving the next start to print none.
      if ((await countApiKeys(ctx.db.pool)) === 0) bootstrapKey = (await createApiKey(ctx.db.pool, 'default', 'bootstrap')).key;
      ctx.log.info({ address: url, database: ctx.db.kind }, 'listening');
    } else {
      metricsUrl = await listen(createServer(createMetricsApp(ctx, engine)), config.FORJINN_METRICS_PORT, config.HOST, closers);
      ctx.log.info({ address: metricsUrl }, 'metrics listening');
    }
    return { ctx, engine, url, metricsUrl, app, bootstrapKey, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Listens, registers the server's close, answers http://host:port. */
async function listen(listening: Server, port: number, hostname: string, closers: Array<() => Promise<void>>): Promise<string> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = listening.listen(port, hostname, () => resolve(s)).once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  );
  const { port: bound } = server.address() as AddressInfo;
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`;
}
