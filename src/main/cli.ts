// forjinn-webhooks: one entry point for the service roles and the admin commands. The role
// commands start the service main puts together (service.ts), loaded on use: `--help` and the
// admin commands need none of it.
import { commandTable, findCommand, usage } from '../doors/cli/commands.js';
import { CliError } from '../doors/cli/args.js';
import { ConfigError } from '../core/config.js';

const COMMANDS = commandTable(async (config, roles) => (await import('./service.js')).startRuntime(config, roles));

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage(COMMANDS));
    return 0;
  }
  const found = findCommand(COMMANDS, argv);
  if (!found) {
    process.stderr.write(`unknown command: ${argv.slice(0, 2).join(' ')}\n\n${usage(COMMANDS)}`);
    return 2;
  }
  const { command, args } = found;
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  void rest;
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined && code >= 0) process.exitCode = code;
  },
  (err) => {
    if (err instanceof ConfigError || err instanceof CliError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`error: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = err instanceof CliError ? 2 : 1;
  },
);

