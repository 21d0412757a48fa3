// /v1/listeners: `forjinn-webhooks listen` (services/listeners). A listener is created, streamed
// (Server-Sent Events: one `delivery` event per attempt, with the signed request), answered per
// attempt, and deleted.
import type { Router } from 'express';
import type { ListenerHub } from '../../services/listeners/service.js';
import { createListener, deleteListener } from '../../services/listeners/service.js';
import type { AppContext } from '../../core/context.js';
import { workspaceOf } from './auth.js';

/** A comment line this often keeps proxies and the CLI from taking a quiet stream for a dead one. */
const HEARTBEAT_MS = 15_000;

export function mountListenerRoutes(r: Router, ctx: AppContext, hub: ListenerHub) {
  r.post('/v1/listeners', async (req, res) => {
    const listener = await createListener(ctx, workspaceOf(req).id, req.body);
    res.status(201).location(`/v1/listeners/${listener.id}`).json(listener);
  });

  r.delete('/v1/listeners/:id', async (req, res) => {
    await deleteListener(ctx, workspaceOf(req).id, req.params.id);
    res.status(204).end();
  });

  r.get('/v1/listeners/:id/stream', async (req, res) => {
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      res.end();
    };
    const send = (event: string, data: unknown) => {
      if (!ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    // A 404 (not this workspace's listener) is thrown before any byte of the stream is written.
    // Removed: the CLI is told so and stops. The service stopping ends the stream without a word,
    // so the CLI reconnects (with backoff) to the service when it is back, the listener kept.
    const stream = await hub.open(workspaceOf(req).id, req.params.id, (request) => send('delivery', request), () => {
      send('removed', { id: req.params.id });
      end();
    }, end);
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    send('ready', { id: req.params.id, timeoutMs: stream.timeoutMs });
    const beat = setInterval(() => !ended && res.write(': ping\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      clearInterval(beat);
      ended = true;
      stream.close();
    });
  });

  r.post('/v1/listeners/:id/deliveries/:deliveryId/result', async (req, res) => {
    await hub.answer(workspaceOf(req).id, req.params.id, req.params.deliveryId, req.body);
    res.status(204).end();
  });
}
