// /v1/slack/links and /v1/slack/link-codes: the Slack teams of the API key's workspace. A key
// lists and unlinks its own teams and makes link codes; it cannot link a team by naming its id.
import type { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { workspaceOf } from './auth.js';
import { createLinkCode, LINK_USAGE } from '../../services/slack-links/link-codes.js';
import { listLinks, unlinkTeam, type SlackLink } from '../../services/slack-links/links.js';

const linkView = (l: SlackLink) => ({ team: l.team, workspace: l.workspace.name, linkedBy: l.linkedBy, createdAt: l.createdAt.toISOString() });

const noFields = z.object({}).strict();

// A team id in a request proves nothing about who sent it: only Slack's signed request does.
const LINK_BY_CODE =
  'a Slack team is linked only with proof from that team: create a one-time code with POST /v1/slack/link-codes, ' +
  `then run \`${LINK_USAGE}\` in that Slack workspace`;

/** /v1/slack/links and /v1/slack/link-codes: the workspace of the API key and its Slack teams. */
export function mountLinkRoutes(r: Router, ctx: AppContext) {
  r.get('/v1/slack/links', async (req, res) => {
    res.json({ data: (await listLinks(ctx.db.pool, workspaceOf(req).id)).map(linkView) });
  });

  r.post('/v1/slack/links', () => {
    throw new ApiError('forbidden', LINK_BY_CODE);
  });

  r.post('/v1/slack/link-codes', async (req, res) => {
    parseInput(noFields, req.body);
    const { code, expiresAt } = await createLinkCode(ctx.db.pool, workspaceOf(req), 'api');
    res.status(201).json({ code, expiresAt: expiresAt.toISOString(), command: LINK_USAGE.replace('<code>', code) });
  });

  r.delete('/v1/slack/links/:team', async (req, res) => {
    if (!(await unlinkTeam(ctx.db.pool, req.params.team, workspaceOf(req).id))) throw new ApiError('not_found', 'no link for this team in this workspace');
    res.status(204).end();
  });
}
