// The request log, Send Test, redeliver and recover.
import type { Router } from 'express';
import type { Engine } from '../../services/delivery/engine.js';
import { getDeliveryWithAttempts, listDeliveries, parseLimit } from '../../services/delivery/log-queries.js';
import { recover, redeliver } from '../../services/delivery/requeue.js';
import { sendTest } from '../../services/delivery/send-test.js';
import { loadWebhook } from '../../services/webhooks/service.js';
import { retentionWindow } from '../../services/retention-window.js';
import { invalid } from '../../core/errors.js';
import { storableTime } from '../../core/validate.js';
import { workspaceOf } from './auth.js';

export function mountDeliveryRoutes(r: Router, engine: Engine) {
  const { ctx } = engine;
  r.post('/v1/webhooks/:id/test', async (req, res) => {
    res.json(await sendTest(engine, ctx, workspaceOf(req), req.params.id, req.body));
  });

  r.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    const hook = await loadWebhook(ctx, workspaceOf(req).id, req.params.id);
    const q = req.query as Record<string, string | undefined>;
    const page = await listDeliveries(ctx.db.pool, hook.id, { status: q.status || undefined, limit: parseLimit(q.limit), cursor: q.cursor || undefined });
    res.json({ ...page, retention: retentionWindow(ctx.config.FORJINN_RETENTION) });
  });

  r.post('/v1/webhooks/:id/recover', async (req, res) => {
    const hook = await loadWebhook(ctx, workspaceOf(req).id, req.params.id);
    const since = req.query.since ?? (req.body as { since?: unknown } | undefined)?.since;
    if (typeof since === 'string' && !Number.isNaN(Date.parse(since)) && !storableTime(since)) {
      throw invalid('since', 'must be a time from year 1 to 9999, such as 2026-06-15T12:00:00Z');
    }
    const result = await recover(ctx.db.pool, hook.id, since);
    if (result.recovered > 0) engine.wake();
    res.status(202).json(result);
  });

  r.get('/v1/deliveries/:id', async (req, res) => {
    res.json(await getDeliveryWithAttempts(ctx.db, workspaceOf(req).id, req.params.id));
  });

  r.post('/v1/deliveries/:id/redeliver', async (req, res) => {
    const result = await redeliver(ctx.db.pool, workspaceOf(req).id, req.params.id);
    engine.wake();
    res.status(202).json(result);
  });
}
