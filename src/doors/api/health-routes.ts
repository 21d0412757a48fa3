// Health: GET /healthz for the service (load balancers, supervisors), and
// GET /v1/webhooks/:id/health, the health of one webhook at a glance (the settings page's list
// shows it beside every webhook; read-only, another workspace's id answers 404).
import type { Express, Router } from 'express';
import type { AppContext } from '../../core/context.js';
import { webhookHealth } from '../../services/webhooks/health.js';
import { loadWebhook } from '../../services/webhooks/service.js';
import { workspaceOf } from './auth.js';
import { probeEvents } from '../../store/events.js';

/**
 * /healthz answers within this, whatever the database does: a health check that waits out a
 * stalled database is itself stalled, and its caller's own timeout (often 1-5 s) would read that
 * as "no answer" rather than "unhealthy". Shorter than the statement timeout on purpose.
 */
export const HEALTH_BUDGET_MS = 2_000;

export function mountHealthz(app: Express, ctx: AppContext) {
  app.get('/healthz', async (_req, res) => {
    let timer: NodeJS.Timeout | undefined;
    try {
      ctx.db.gate?.check(); // known not to answer: no need to ask
      // The events table, not just `select 1`: a lock on it (or a stall) stops ingest too.
      const query = probeEvents(ctx.db.pool);
      query.catch(() => {}); // given up on after the budget: its late failure is not an error
      const late = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${HEALTH_BUDGET_MS} ms`)), HEALTH_BUDGET_MS);
      });
      await Promise.race([query, late]);
      res.json({ status: 'ok', database: ctx.db.kind });
    } catch {
      res.status(503).set('retry-after', '5').json({ status: 'unavailable', database: ctx.db.kind });
    } finally {
      clearTimeout(timer);
    }
  });
}

export function mountHealthRoutes(r: Router, ctx: AppContext) {
  r.get('/v1/webhooks/:id/health', async (req, res) => {
    const hook = await loadWebhook(ctx, workspaceOf(req).id, req.params.id);
    res.json(await webhookHealth(ctx.db.pool, hook));
  });
}
