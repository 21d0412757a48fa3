// GET /metrics: the engine's registry (attempts, latency, queue, disabled webhooks) and the
// process metrics, in the Prometheus text format. Outside /v1 and without an API key, as
// Prometheus scrapes it.
import type { Express } from 'express';
import type { Engine } from '../../services/delivery/engine.js';

export function mountMetrics(app: Express, engine: Engine) {
  app.get('/metrics', async (_req, res) => {
    res.type(engine.metrics.registry.contentType).send(await engine.metrics.registry.metrics());
  });
}
