// slack link|link-code|unlink|links: which Forjinn workspace a Slack team's /forjinn commands
// act on. The operator's door, trusted as the database is (it opens it): `link` links a team
// directly and moves one linked elsewhere, saying so; `link-code` prints a one-time code for
// someone in the Slack team to run `/forjinn link <code>` with, as the API does. With a service
// URL and key, link-code, links and unlink go through the API (on the key's workspace); `link`
// has no API counterpart (a key is no proof of a team) and stays on the database.
import { findWorkspace, type Workspace } from '../../store/workspaces.js';
import type { AppContext } from '../../core/context.js';
import { createLinkCode, LINK_CODE_TTL_S, LINK_USAGE } from '../../services/slack-links/link-codes.js';
import { linkTeam, listLinks, unlinkTeam } from '../../services/slack-links/links.js';
import { CliError, parse, required } from './args.js';
import type { Command } from './command.js';
import { cli, workspaceId } from './webhook-commands.js';
import { withContext } from './with-context.js';
import { keyWorkspace } from './service-client.js';

const LINK = 'forjinn-webhooks slack link --team <T0123ABCD> --workspace <name>';
const LINK_CODE = 'forjinn-webhooks slack link-code --workspace <name>';
const UNLINK = 'forjinn-webhooks slack unlink --team <T0123ABCD>';
const LINKS = 'forjinn-webhooks slack links [--workspace <name>]';

export const slackCommands: Command[] = [
  {
    name: 'slack link',
    summary: 'Link a Slack team to a workspace: its /forjinn commands act on that workspace',
    usage:
      `${LINK}\n\nThe team id is the team_id Slack sends (Slack: click the workspace name → Settings; it starts with T).\n` +
      'A team already linked to another workspace is moved to this one.',
    async run(args) {
      const { values } = parse(args, { team: { type: 'string' }, workspace: { type: 'string' } }, LINK);
      const team = required(values.team, '--team', LINK);
      const name = required(values.workspace, '--workspace', LINK);
      const result = await withContext((ctx) =>
        cli(async () => linkTeam(ctx.db.pool, team, await existingWorkspace(ctx, name), { linkedBy: 'cli', replace: true })),
      );
      const { link, created, previous } = result;
      if (!created) process.stdout.write(`${link.team} is already linked to workspace "${link.workspace.name}"\n`);
      else process.stdout.write(`linked Slack team ${link.team} to workspace "${link.workspace.name}"${previous ? ` (was "${previous}")` : ''}\n`);
      return 0;
    },
  },
  {
    name: 'slack link-code',
    summary: 'Print a one-time code; /forjinn link <code> in a Slack team links that team to the workspace',
    usage:
      `${LINK_CODE}\n\nThe code is valid for ${LINK_CODE_TTL_S / 60} minutes, once. Someone in the Slack workspace to link (an admin\n` +
      'named in SLACK_ADMIN_USERS, when set) runs the command it prints; the team that runs it is the one linked.',
    remote: true,
    async run(args, service) {
      const { values } = parse(args, { workspace: { type: 'string' } }, LINK_CODE);
      let name: string;
      let made: { code: string; expiresAt: string };
      if (service) {
        name = await keyWorkspace(service, values.workspace);
        made = (await service.call('POST', '/v1/slack/link-codes', { body: {} })).body;
      } else {
        name = required(values.workspace, '--workspace', LINK_CODE);
        const local = await withContext((ctx) => cli(async () => createLinkCode(ctx.db.pool, await existingWorkspace(ctx, name), 'cli')));
        made = { code: local.code, expiresAt: local.expiresAt.toISOString() };
      }
      const { code, expiresAt } = made;
      process.stdout.write(
        `${code}\n\nIn the Slack workspace to link to "${name}", run:\n  ${LINK_USAGE.replace('<code>', code)}\n` + `Valid once, until ${expiresAt}.\n`,
      );
      return 0;
    },
  },
  {
    name: 'slack unlink',
    summary: 'Unlink a Slack team; its commands then answer how to link it',
    usage: UNLINK,
    remote: true,
    async run(args, service) {
      const { values } = parse(args, { team: { type: 'string' } }, UNLINK);
      const team = required(values.team, '--team', UNLINK);
      // Through the API, only a team linked to the key's workspace (not_found otherwise).
      if (service) await service.call('DELETE', `/v1/slack/links/${encodeURIComponent(team)}`);
      else if (!(await withContext((ctx) => cli(() => unlinkTeam(ctx.db.pool, team))))) throw new CliError(`Slack team ${team} is not linked`);
      process.stdout.write(`unlinked Slack team ${team}\n`);
      return 0;
    },
  },
  {
    name: 'slack links',
    summary: 'List the Slack teams and the workspaces they are linked to',
    usage: LINKS,
    remote: true,
    async run(args, service) {
      const { values } = parse(args, { workspace: { type: 'string' } }, LINKS);
      let links: { team: string; workspace: string; linkedBy: string; createdAt: string }[];
      if (service) {
        await keyWorkspace(service, values.workspace);
        links = (await service.call<{ data: typeof links }>('GET', '/v1/slack/links')).body.data;
      } else {
        const local = await withContext(async (ctx) => listLinks(ctx.db.pool, values.workspace ? await workspaceId(ctx, values.workspace) : undefined));
        links = local.map((l) => ({ team: l.team, workspace: l.workspace.name, linkedBy: l.linkedBy, createdAt: l.createdAt.toISOString() }));
      }
      if (links.length === 0) process.stdout.write(`no Slack teams linked (link one with: ${service ? LINK_CODE : LINK})\n`);
      for (const l of links) process.stdout.write(`${l.team}  ${l.workspace}  ${l.linkedBy}  ${l.createdAt}\n`);
      return 0;
    },
  },
];

async function existingWorkspace(ctx: AppContext, name: string): Promise<Workspace> {
  const workspace = await findWorkspace(ctx.db.pool, name);
  if (!workspace) throw new CliError(`no workspace named "${name}" (create one with: forjinn-webhooks api-key create --workspace ${name})`);
  return workspace;
}
