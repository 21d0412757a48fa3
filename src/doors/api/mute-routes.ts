// /v1/mutes: mutes of the API key's workspace (services/mutes: what a mute covers and its rules).
import type { Router } from 'express';
import type { AppContext } from '../../core/context.js';
import { workspaceOf } from './auth.js';
import { muteFromApi, mutesOf, muteView, unmute } from '../../services/mutes/service.js';

export function mountMuteRoutes(r: Router, ctx: AppContext) {
  r.get('/v1/mutes', async (req, res) => {
    res.json({ data: await mutesOf(ctx, workspaceOf(req).id, req.query) });
  });

  r.post('/v1/mutes', async (req, res) => {
    res.status(201).json(muteView(await muteFromApi(ctx, workspaceOf(req).id, req.body)));
  });

  r.delete('/v1/mutes/:id', async (req, res) => {
    await unmute(ctx, workspaceOf(req).id, req.params.id);
    res.status(204).end();
  });
}
