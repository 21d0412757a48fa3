// forjinn-webhooks: one entry point for the service roles and the admin commands.
import { COMMANDS, findCommand, usage } from '../doors/cli/commands.js';
import { CliError } from '../doors/cli/args.js';
import { ConfigError } from '../core/config.js';

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    process.stderr.write(`unknown command: ${argv.slice(0, 2).join(' ')}\n\n${usage()}`);
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

export { COMMANDS };
