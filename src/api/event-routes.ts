// /v1/events: ingest, and reading events back.
import type { Router } from 'express';
import type { Engine } from '../delivery/engine.js';
import { ingestEvent } from '../events/ingest.js';
import { ingestBatch } from '../events/batch.js';
import { notFound } from '../errors.js';
import { getEvent, listEvents } from '../events/queries.js';
import { parseLimit } from '../delivery/log-queries.js';
import { workspaceOf } from './auth.js';

export function mountEventRoutes(r: Router, engine: Engine) {
  const { ctx } = engine;
  r.post('/v1/events', async (req, res) => {
    const result = await ingestEvent(ctx, workspaceOf(req), req.body, req.get('idempotency-key') ?? undefined);
    res.status(result.status).json(result.body);
  });

  r.post('/v1/events/batch', async (req, res) => {
    res.json(await ingestBatch(ctx, workspaceOf(req), req.body));
  });

  r.get('/v1/events', async (req, res) => {
    res.json(await listEvents(ctx.db.pool, workspaceOf(req).id, parseLimit(req.query.limit), req.query.cursor || undefined));
  });

  r.get('/v1/events/:id', async (req, res) => {
    const ev = await getEvent(ctx.db.pool, workspaceOf(req).id, req.params.id);
    if (!ev) throw notFound('event');
    res.json(ev);
  });
}
