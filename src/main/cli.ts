// forjinn-webhooks: one entry point for the service roles and the admin commands. The role
// commands start the service main puts together (service.ts), loaded on use: `--help` and the
// admin commands need none of it.
import { commandTable } from '../doors/cli/commands.js';
import { CliError } from '../doors/cli/args.js';
import { runCommandLine } from '../doors/cli/run.js';
import { ConfigError } from '../core/config.js';

const COMMANDS = commandTable(async (config, roles) => (await import('./service.js')).startRuntime(config, roles));

runCommandLine(COMMANDS, process.argv.slice(2), process.env).then(
  (code) => {
    if (code !== undefined && code >= 0) process.exitCode = code;
  },
  (err) => {
    if (err instanceof ConfigError || err instanceof CliError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  },
);
