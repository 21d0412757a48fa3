// Slack team ↔ Forjinn workspace links: one workspace per team. Written by the CLI
// (`forjinn-webhooks slack link`) and by the web API (POST /v1/slack/links); read on every
// command and button click to find the workspace a request acts on.
import type { Router } from 'express';
import { z } from 'zod';
import type { Workspace } from '../auth/api-keys.js';
import type { AppContext } from '../context.js';
import type { Queryable } from '../db/database.js';
import { ApiError, invalid } from '../errors.js';
import { parseInput } from '../util/validate.js';
import { workspaceOf } from '../api/auth.js';

// https://api.slack.com/methods/team.info : team ids start with T; an Enterprise Grid
// organisation installing the app org-wide sends its E… id.
const TEAM_ID = /^[TE][A-Z0-9]{2,30}$/;
const TEAM_HELP = 'must be a Slack team id such as T0123ABCD (Slack: workspace menu → Settings, or the team_id of any request)';

export function checkTeamId(raw: unknown): string {
  if (typeof raw !== 'string' || !TEAM_ID.test(raw.trim())) throw invalid('team', TEAM_HELP);
  return raw.trim();
}

export interface SlackLink {
  team: string;
  workspace: Workspace;
  linkedBy: string;
  createdAt: Date;
}

interface LinkRow {
  team_id: string;
  workspace_id: string;
  workspace_name: string;
  linked_by: string;
  created_at: Date;
}

const toLink = (r: LinkRow): SlackLink => ({
  team: r.team_id,
  workspace: { id: r.workspace_id, name: r.workspace_name },
  linkedBy: r.linked_by,
  createdAt: r.created_at,
});

const SELECT = `select l.team_id, l.workspace_id, w.name as workspace_name, l.linked_by, l.created_at
  from slack_links l join workspaces w on w.id = l.workspace_id`;

export async function findLink(db: Queryable, teamId: string): Promise<SlackLink | undefined> {
  const { rows } = await db.query<LinkRow>(`${SELECT} where l.team_id = $1`, [teamId]);
  return rows[0] ? toLink(rows[0]) : undefined;
}

export async function listLinks(db: Queryable, workspaceId?: string): Promise<SlackLink[]> {
  const { rows } = await db.query<LinkRow>(`${SELECT} where ($1::uuid is null or l.workspace_id = $1) order by l.created_at, l.team_id`, [
    workspaceId ?? null,
  ]);
  return rows.map(toLink);
}

/**
 * Links a team to a workspace. A team already linked elsewhere is moved only with `replace`
 * (the operator's CLI); through the API a workspace cannot take another workspace's team.
 */
export async function linkTeam(
  db: Queryable,
  teamRaw: unknown,
  workspace: Workspace,
  opts: { linkedBy: string; replace: boolean },
): Promise<{ link: SlackLink; created: boolean; previous?: string }> {
  const team = checkTeamId(teamRaw);
  const current = await findLink(db, team);
  if (current?.workspace.id === workspace.id) return { link: current, created: false };
  if (current && !opts.replace) {
    throw new ApiError('conflict', `team ${team} is linked to another workspace; unlink it there first`, 'team');
  }
  // The condition repeats the check in SQL: a link made by someone else meanwhile is not overwritten.
  const { rowCount } = await db.query(
    `insert into slack_links (team_id, workspace_id, linked_by) values ($1, $2, $3)
     on conflict (team_id) do update set workspace_id = excluded.workspace_id, linked_by = excluded.linked_by, created_at = now()
     where $4 or slack_links.workspace_id = excluded.workspace_id`,
    [team, workspace.id, opts.linkedBy, opts.replace],
  );
  if (!rowCount) throw new ApiError('conflict', `team ${team} is linked to another workspace; unlink it there first`, 'team');
  const link = await findLink(db, team);
  return { link: link!, created: true, ...(current ? { previous: current.workspace.name } : {}) };
}

/** Removes a team's link (only from `workspaceId` when given); answers whether one was removed. */
export async function unlinkTeam(db: Queryable, teamRaw: unknown, workspaceId?: string): Promise<boolean> {
  const team = checkTeamId(teamRaw);
  const { rowCount } = await db.query('delete from slack_links where team_id = $1 and ($2::uuid is null or workspace_id = $2)', [
    team,
    workspaceId ?? null,
  ]);
  return (rowCount ?? 0) > 0;
}

const linkView = (l: SlackLink) => ({ team: l.team, workspace: l.workspace.name, linkedBy: l.linkedBy, createdAt: l.createdAt.toISOString() });

export const linkSchema = z.object({ team: z.string({ error: 'is required' }) }).strict();

/** /v1/slack/links: the workspace of the API key links, lists and unlinks its Slack teams. */
export function mountLinkRoutes(r: Router, ctx: AppContext) {
  r.get('/v1/slack/links', async (req, res) => {
    res.json({ data: (await listLinks(ctx.db.pool, workspaceOf(req).id)).map(linkView) });
  });

  r.post('/v1/slack/links', async (req, res) => {
    const input = parseInput(linkSchema, req.body);
    const { link, created } = await linkTeam(ctx.db.pool, input.team, workspaceOf(req), { linkedBy: 'api', replace: false });
    res.status(created ? 201 : 200).json(linkView(link));
  });

  r.delete('/v1/slack/links/:team', async (req, res) => {
    if (!(await unlinkTeam(ctx.db.pool, req.params.team, workspaceOf(req).id))) throw new ApiError('not_found', 'no link for this team in this workspace');
    res.status(204).end();
  });
}
