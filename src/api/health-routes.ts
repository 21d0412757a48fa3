// GET /v1/webhooks/:id/health: the health of one webhook at a glance (the settings page's list
// shows it beside every webhook). Read-only; another workspace's id answers 404.
import type { Router } from 'express';
import type { AppContext } from '../context.js';
import { webhookHealth } from '../webhooks/health.js';
import { loadWebhook } from '../webhooks/service.js';
import { workspaceOf } from './auth.js';

export function mountHealthRoutes(r: Router, ctx: AppContext) {
  r.get('/v1/webhooks/:id/health', async (req, res) => {
    const hook = await loadWebhook(ctx, workspaceOf(req).id, req.params.id);
    res.json(await webhookHealth(ctx.db.pool, hook));
  });
}
