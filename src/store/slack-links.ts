// The slack_links table: which Forjinn workspace a Slack team acts on, one per team. Read on
// every command and button click; written by a redeemed link code or the operator's CLI
// (services/slack-links/links.ts decides when a link may be made or moved).
import type { Queryable } from './database.js';
import type { Workspace } from './workspaces.js';

/** The row type of slack_links, with its workspace's name. */
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
 * Links `team` to the workspace; a team linked elsewhere is moved only with `replace`. Answers
 * whether a row was written. The condition repeats the caller's check in SQL: a link made by
 * someone else meanwhile is not overwritten.
 */
export async function upsertLink(db: Queryable, team: string, workspaceId: string, linkedBy: string, replace: boolean): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into slack_links (team_id, workspace_id, linked_by) values ($1, $2, $3)
     on conflict (team_id) do update set workspace_id = excluded.workspace_id, linked_by = excluded.linked_by, created_at = now()
     where $4 or slack_links.workspace_id = excluded.workspace_id`,
    [team, workspaceId, linkedBy, replace],
  );
  return Boolean(rowCount);
}

/** Removes a team's link (only from `workspaceId` when given); answers whether one was removed. */
export async function deleteLink(db: Queryable, team: string, workspaceId?: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from slack_links where team_id = $1 and ($2::uuid is null or workspace_id = $2)', [
    team,
    workspaceId ?? null,
  ]);
  return (rowCount ?? 0) > 0;
}

/** Whether a Slack team is linked to the workspace (slack_links, indexed by workspace). */
export async function workspaceHasSlackTeam(db: Queryable, workspaceId: string): Promise<boolean> {
  const { rows } = await db.query<{ linked: boolean }>('select exists(select 1 from slack_links where workspace_id = $1) as linked', [workspaceId]);
  return rows[0]?.linked === true;
}
