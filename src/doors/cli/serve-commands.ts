// serve, api, worker, migrate: the service's roles and its schema. The service itself is put
// together by main (src/main/service.ts), which hands its start function to this table.
import { loadConfig, type Config } from '../../core/config.js';
import type { AppContext, Roles } from '../../core/context.js';
import { parse } from './args.js';
import type { Command } from './command.js';
import { runUntilStopped } from './until-stopped.js';

/** What the role commands need of a started service. */
export interface RunningService {
  ctx: AppContext;
  url?: string;
  metricsUrl?: string;
  bootstrapKey?: string;
  close(): Promise<void>;
}
export type StartService = (config: Readonly<Config>, roles: Roles) => Promise<RunningService>;

async function runRoles(start: StartService, roles: Roles): Promise<number> {
  const config = loadConfig();
  const rt = await start(config, roles);
  // Runs until told to stop (0) or until it cannot go on (1, with the reason logged); never
  // ends by itself, whatever happens to the database meanwhile. Listening from here on, before
  // saying "running": a supervisor (or a test) may send SIGTERM the moment it reads that.
  const stopped = runUntilStopped(() => rt.close(), rt.ctx.log);
  if (rt.url) {
    process.stdout.write(`forjinn-webhooks is listening on ${rt.url} (database: ${rt.ctx.db.kind})\n`);
    process.stdout.write(`  settings page: ${rt.url}/\n`);
  }
  // Before "running", which supervisors and tests wait for.
  if (rt.metricsUrl) process.stdout.write(`worker metrics: ${rt.metricsUrl}/metrics\n`);
  if (roles.worker) process.stdout.write(`delivery worker running (database: ${rt.ctx.db.kind})\n`);
  if (rt.bootstrapKey) {
    process.stdout.write(
      `\nBootstrap API key for workspace "default" (shown once, keep it):\n\n  ${rt.bootstrapKey}\n\n` +
        `Try: curl -H "Authorization: Bearer ${rt.bootstrapKey}" ${rt.url}/v1/webhooks\n\n`,
    );
  }
  return (await stopped).code;
}

const roleCommand = (start: StartService, name: string, roles: Roles, summary: string): Command => ({
  name,
  summary,
  usage: `forjinn-webhooks ${name}\n\n${summary}. Configured by environment variables (docs/configuration.md).`,
  async run(args) {
    parse(args, {}, `forjinn-webhooks ${name}`);
    return runRoles(start, roles);
  },
});

export const serveCommands = (start: StartService): Command[] => [
  roleCommand(start, 'serve', { api: true, worker: true }, 'Run the API, the settings page, the Slack app and a delivery worker'),
  roleCommand(start, 'api', { api: true, worker: false }, 'Run the API (and page and Slack app) only, no delivery worker'),
  roleCommand(start, 'worker', { api: false, worker: true }, 'Run a delivery worker only (PostgreSQL: run as many as you like)'),
  {
    name: 'migrate',
    summary: 'Create or update the database schema (serve does this too)',
    usage: 'forjinn-webhooks migrate\n\nRuns the migrations against DATABASE_URL, or the embedded database in DATA_DIR.',
    async run(args) {
      parse(args, {}, 'forjinn-webhooks migrate');
      const { openContext } = await import('../../store/open.js');
      const { ctx } = await openContext(loadConfig());
      await ctx.db.close();
      process.stdout.write('database is up to date\n');
      return 0;
    },
  },
];
