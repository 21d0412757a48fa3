// /v1/webhooks: the registry.
import type { Router } from 'express';
import type { AppContext } from '../../core/context.js';
import { createWebhook, deleteWebhook, listWebhooks, loadWebhook, rotateSecret, updateWebhook } from '../../services/webhooks/service.js';
import { toView } from '../../services/webhooks/view.js';
import { workspaceOf } from './auth.js';

export function mountWebhookRoutes(r: Router, ctx: AppContext) {
  r.post('/v1/webhooks', async (req, res) => {
    const { webhook, secret } = await createWebhook(ctx, workspaceOf(req).id, req.body);
    res.status(201).location(`/v1/webhooks/${webhook.id}`).json({ ...webhook, secret });
  });

  r.get('/v1/webhooks', async (req, res) => {
    res.json({ data: await listWebhooks(ctx, workspaceOf(req).id) });
  });

  r.get('/v1/webhooks/:id', async (req, res) => {
    res.json(toView(await loadWebhook(ctx, workspaceOf(req).id, req.params.id)));
  });

  r.patch('/v1/webhooks/:id', async (req, res) => {
    res.json(await updateWebhook(ctx, workspaceOf(req).id, req.params.id, req.body));
  });

  r.delete('/v1/webhooks/:id', async (req, res) => {
    await deleteWebhook(ctx, workspaceOf(req).id, req.params.id);
    res.status(204).end();
  });

  r.post('/v1/webhooks/:id/rotate-secret', async (req, res) => {
    res.json(await rotateSecret(ctx, workspaceOf(req).id, req.params.id, req.body));
  });

  r.get('/v1/workspace', (req, res) => {
    const w = workspaceOf(req);
    res.json({ id: w.id, name: w.name });
  });
}
