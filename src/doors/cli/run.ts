// The command line read: the options before the command (--url, --key, --version, --help), the
// command (or a group's help), its --help, and the service it talks to when it has an API route.
import { CliError } from './args.js';
import { findCommand, groupOf, groupUsage, usage, type Command } from './commands.js';
import { refuseService, serviceFrom, type ServiceOptions } from './service-client.js';
import { packageVersion } from './version.js';

const HELP = ['--help', '-h', 'help'];

/** The options before the command name, and the rest. `--url` after the command is the command's own (webhook add's receiver). */
function leadingOptions(argv: string[], commands: Command[]): { service: ServiceOptions; flags: Set<string>; rest: string[] } {
  const service: ServiceOptions = {};
  const flags = new Set<string>();
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--url' || flag === '--key') {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new CliError(`${flag} needs a value\n\n${usage(commands)}`);
      service[flag === '--url' ? 'url' : 'key'] = value;
    } else if (flag === '--version' || HELP.includes(flag)) {
      flags.add(flag === '--version' ? 'version' : 'help');
    } else {
      throw new CliError(`unknown option ${flag}\n\n${usage(commands)}`);
    }
  }
  return { service, flags, rest: argv.slice(i) };
}

export async function runCommandLine(commands: Command[], argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { service, flags, rest } = leadingOptions(argv, commands);
  const out = (text: string) => process.stdout.write(text);
  if (flags.has('version')) {
    out(`${packageVersion()}\n`);
    return 0;
  }
  const [name] = rest;
  if (!name || flags.has('help') || HELP.includes(name)) {
    out(usage(commands));
    return 0;
  }
  const found = findCommand(commands, rest);
  if (!found) {
    const group = groupOf(commands, name);
    if (group.length && (rest.length === 1 || HELP.includes(rest[1]))) {
      // `webhook --help` is asked for; a bare `webhook` is a usage error that answers the same.
      if (rest.length === 1) {
        process.stderr.write(groupUsage(name, group));
        return 2;
      }
      out(groupUsage(name, group));
      return 0;
    }
    process.stderr.write(`unknown command: ${rest.slice(0, 2).join(' ')}\n\n${group.length ? groupUsage(name, group) : usage(commands)}`);
    return 2;
  }
  const { command, args } = found;
  if (args.includes('--help') || args.includes('-h')) {
    const through = command.apiOnly
      ? "\n\nIt goes through the service's HTTP API, on the key's workspace: --url <base> --key <api key> before the\n" +
        'command, or FORJINN_URL and FORJINN_KEY (a key alone: the service on this machine, at 127.0.0.1:$PORT).'
      : command.remote
      ? '\n\nWith --url <base> --key <api key> before the command (or FORJINN_URL and FORJINN_KEY) it goes through\n' +
        "the service's HTTP API, on the key's workspace; without, on the database (DATABASE_URL or DATA_DIR)."
      : '';
    out(`${command.usage}${through}\n`);
    return 0;
  }
  if (!command.remote) {
    // FORJINN_URL in the environment is for the commands that use it; only flags given here are refused.
    refuseService(command.name, service);
    return command.run(args);
  }
  return command.run(args, serviceFrom(service, env));
}
