// /v1/events: ingest, and reading events back.
import type { Router } from 'express';
import type { Engine } from '../../services/delivery/engine.js';
import { ingestEvent } from '../../services/ingest/ingest.js';
import { ingestBatch } from '../../services/ingest/batch.js';
import { notFound } from '../../core/errors.js';
import { getEvent, listEvents } from '../../services/ingest/queries.js';
import { parseLimit } from '../../services/delivery/log-queries.js';
import { retentionWindow } from '../../services/retention-window.js';
import { workspaceOf } from './auth.js';
import { readTrace } from '../../core/trace.js';

export function mountEventRoutes(r: Router, engine: Engine) {
  const { ctx } = engine;
  r.post('/v1/events', async (req, res) => {
    const trace = readTrace(req.get('traceparent'), req.get('tracestate'));
    const result = await ingestEvent(ctx, engine, workspaceOf(req), req.body, req.get('idempotency-key') ?? undefined, trace);
    res.status(result.status).json(result.body);
  });

  r.post('/v1/events/batch', async (req, res) => {
    res.json(await ingestBatch(ctx, engine, workspaceOf(req), req.body, readTrace(req.get('traceparent'), req.get('tracestate'))));
  });

  r.get('/v1/events', async (req, res) => {
    const page = await listEvents(ctx.db.pool, workspaceOf(req).id, parseLimit(req.query.limit), req.query.cursor || undefined);
    res.json({ ...page, retention: retentionWindow(ctx.config.FORJINN_RETENTION) });
  });

  r.get('/v1/events/:id', async (req, res) => {
    const ev = await getEvent(ctx.db.pool, workspaceOf(req).id, req.params.id);
    if (!ev) throw notFound('event');
    res.json(ev);
  });
}
