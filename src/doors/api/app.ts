// The express application: JSON API under /v1 behind API keys, health, metrics, OpenAPI. Every
// route of the API is mounted here, from this folder; main passes what other doors add (the
// Slack receiver, the settings page) as mount functions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express } from 'express';
import type { Engine } from '../../services/delivery/engine.js';
import { fastIngest } from './fast-ingest.js';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';
import { requireApiKey } from './auth.js';
import { BATCH_LIMIT, bodyDepth, bodyHeaders, bodyLimitOf, JSON_LIMIT } from './body-limits.js';
import { errorHandler } from './error-handler.js';
import { openApiDocument } from './openapi.js';
import { mountWebhookRoutes } from './webhook-routes.js';
import { mountTransformerRoutes } from './transformer-routes.js';
import { mountHealthRoutes, mountHealthz } from './health-routes.js';
import { mountMetrics } from './metrics-route.js';
import { mountEventRoutes } from './event-routes.js';
import { mountDeliveryRoutes } from './delivery-routes.js';
import { mountLinkRoutes } from './slack-link-routes.js';
import { mountMuteRoutes } from './mute-routes.js';
import { mountListenerRoutes } from './listener-routes.js';
import type { ListenerHub } from '../../services/listeners/service.js';

export interface AppParts {
  /** The Slack app's receiver (POST /slack/events), mounted before the JSON body parser: it reads raw bodies. With it, the Slack link routes. */
  slack?: (app: Express) => void;
  /** The settings page and its assets, outside /v1 and without API keys. */
  page?: (app: Express) => void;
  /** The streams of `listen` (services/listeners): /v1/listeners. */
  listeners?: ListenerHub;
}

/** The server's request listener: POST /v1/events without express first (fast-ingest.ts), then the app. */
export function requestListener(ctx: AppContext, engine: Engine, app: Express) {
  const fast = fastIngest(ctx, engine);
  return (req: IncomingMessage, res: ServerResponse) => {
    if (!fast(req, res)) app(req, res);
  };
}

export function createApp(ctx: AppContext, engine: Engine, parts: AppParts = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  parts.slack?.(app);

  mountHealthz(app, ctx);
  app.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  mountMetrics(app, engine);
  parts.page?.(app);

  const v1 = express.Router();
  // Only /v1 paths enter the API (and its key check); anything else falls through to a 404.
  v1.use((req, _res, next) => next(req.path.startsWith('/v1/') ? undefined : 'router'));
  // The key before the body (body-limits.ts): a request without one costs a lookup, not a parse
  // of up to 16 MiB (2.4 s of blocked event loop and 0.8 GB each, before).
  v1.use(requireApiKey(ctx));
  v1.use(bodyHeaders);
  const parser = (limit: number) => express.json({ limit, strict: false, type: ['application/json', 'application/*+json'] });
  const json = parser(JSON_LIMIT);
  const batchJson = parser(BATCH_LIMIT);
  v1.use((req, res, next) => (bodyLimitOf(req.path) === BATCH_LIMIT ? batchJson : json)(req, res, next));
  v1.use(bodyDepth);
  mountWebhookRoutes(v1, ctx);
  mountTransformerRoutes(v1, ctx);
  mountHealthRoutes(v1, ctx);
  mountEventRoutes(v1, engine);
  mountDeliveryRoutes(v1, engine);
  mountMuteRoutes(v1, ctx);
  if (parts.listeners) mountListenerRoutes(v1, ctx, parts.listeners);
  if (parts.slack) mountLinkRoutes(v1, ctx);
  v1.use((req, _res, next) => next(new ApiError('not_found', `no route ${req.method} ${req.path}`)));
  app.use(v1);

  app.use((req, _res, next) => next(new ApiError('not_found', `no route ${req.method} ${req.path}`)));
  app.use(errorHandler(ctx.log));
  return app;
}

/**
 * A worker-only process's listener: GET /healthz and GET /metrics, nothing else (no API key, no
 * /v1). Its attempts are counted in its own engine, so Prometheus scrapes each worker here.
 */
export function createMetricsApp(ctx: AppContext, engine: Engine): Express {
  const app = express();
  app.disable('x-powered-by');
  mountHealthz(app, ctx);
  mountMetrics(app, engine);
  app.use((req, _res, next) => next(new ApiError('not_found', `no route ${req.method} ${req.path}; a worker serves only /healthz and /metrics`)));
  app.use(errorHandler(ctx.log));
  return app;
}
