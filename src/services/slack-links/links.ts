// Slack team ↔ Forjinn workspace links: one workspace per team. Written by `/forjinn link
// <code>` (link-codes.ts: a code from the workspace, run in the team) and by the operator's CLI
// (`forjinn-webhooks slack link`, trusted: it has the database anyway); read on every command
// and button click to find the workspace a request acts on. Routes: link-routes.ts.
import type { Workspace } from '../../store/api-keys.js';
import type { Queryable } from '../../store/database.js';
import { ApiError, invalid } from '../../core/errors.js';

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
 * (the operator's CLI); a link code cannot take another workspace's team.
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
