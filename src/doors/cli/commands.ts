// The command table: one line each, looked up by one or two words.
import { apiKeyCommands } from './api-key-commands.js';
import { serveCommands, type StartService } from './serve-commands.js';
import { webhookCommands } from './webhook-commands.js';
import { deliveryCommands } from './delivery-commands.js';
import { masterKeyCommands } from './master-key-commands.js';
import { slackCommands } from './slack-commands.js';
import { pruneCommands } from './prune-commands.js';
import { logCommands } from './log-commands.js';
import { listenCommands } from './listen-commands.js';
import type { Command } from './command.js';

export type { Command };

/** Every command; the role commands start the service with `start` (main's). */
export function commandTable(start: StartService): Command[] {
  return [...serveCommands(start), ...apiKeyCommands, ...webhookCommands, ...deliveryCommands, ...logCommands, ...listenCommands, ...masterKeyCommands, ...slackCommands, ...pruneCommands];
}

export function findCommand(commands: Command[], argv: string[]): { command: Command; args: string[] } | undefined {
  const two = commands.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, args: argv.slice(2) };
  const one = commands.find((c) => c.name === argv[0]);
  return one ? { command: one, args: argv.slice(1) } : undefined;
}

const list = (commands: Command[]) => {
  const width = Math.max(...commands.map((c) => c.name.length));
  return commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}${c.remote ? '  [API]' : ''}`);
};

const MODES = [
  'Commands marked [API] go through a deployed service\'s HTTP API when given its URL and an API key:',
  '  --url <base> --key <api key> before the command, or FORJINN_URL and FORJINN_KEY',
  'Without them, and for the other commands, the database is opened directly (DATABASE_URL or DATA_DIR).',
];

export function usage(commands: Command[]): string {
  return [
    'usage: forjinn-webhooks [--url <base> --key <api key>] <command> [options]   (each command takes --help)',
    '       forjinn-webhooks --version',
    '',
    ...list(commands),
    '',
    ...MODES,
    'Configuration comes from the environment: see docs/configuration.md.',
    '',
  ].join('\n');
}

/** The commands of a group (`webhook`, `slack`, `api-key`): empty when `word` names none. */
export function groupOf(commands: Command[], word: string): Command[] {
  return commands.filter((c) => c.name.startsWith(`${word} `));
}

export function groupUsage(group: string, commands: Command[]): string {
  return [
    `usage: forjinn-webhooks [--url <base> --key <api key>] ${group} <command> [options]   (each command takes --help)`,
    '',
    ...list(commands),
    '',
    ...(commands.some((c) => c.remote) ? [...MODES, ''] : []),
  ].join('\n');
}
