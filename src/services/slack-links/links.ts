// Slack team ↔ Forjinn workspace links: one workspace per team. Written by `/forjinn link
// <code>` (link-codes.ts: a code from the workspace, run in the team) and by the operator's CLI
// (`forjinn-webhooks slack link`, trusted: it has the database anyway); read on every command
// and button click to find the workspace a request acts on. Rows: store/slack-links.ts.
import type { Workspace } from '../../store/workspaces.js';
import type { Queryable } from '../../store/database.js';
import { deleteLink, findLink, upsertLink, type SlackLink } from '../../store/slack-links.js';
import { ApiError, invalid } from '../../core/errors.js';

// The reads, for the doors that find a request's workspace by its team.
export { findLink, listLinks, type SlackLink } from '../../store/slack-links.js';

// https://api.slack.com/methods/team.info : team ids start with T; an Enterprise Grid
// organisation installing the app org-wide sends its E… id.
const TEAM_ID = /^[TE][A-Z0-9]{2,30}$/;
const TEAM_HELP = 'must be a Slack team id such as T0123ABCD (Slack: workspace menu → Settings, or the team_id of any request)';

export function checkTeamId(raw: unknown): string {
  if (typeof raw !== 'string' || !TEAM_ID.test(raw.trim())) throw invalid('team', TEAM_HELP);
  return raw.trim();
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
  if (!(await upsertLink(db, team, workspace.id, opts.linkedBy, opts.replace))) {
    throw new ApiError('conflict', `team ${team} is linked to another workspace; unlink it there first`, 'team');
  }
  const link = await findLink(db, team);
  return { link: link!, created: true, ...(current ? { previous: current.workspace.name } : {}) };
}

/** Removes a team's link (only from `workspaceId` when given); answers whether one was removed. */
export async function unlinkTeam(db: Queryable, teamRaw: unknown, workspaceId?: string): Promise<boolean> {
  return deleteLink(db, checkTeamId(teamRaw), workspaceId);
}
