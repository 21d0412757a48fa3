// The command table: one line each, looked up by one or two words.
import { apiKeyCommands } from './api-key-commands.js';
import { serveCommands, type StartService } from './serve-commands.js';
import { webhookCommands } from './webhook-commands.js';
import { deliveryCommands } from './delivery-commands.js';
import { masterKeyCommands } from './master-key-commands.js';
import { slackCommands } from './slack-commands.js';
import type { Command } from './command.js';

export type { Command };

/** Every command; the role commands start the service with `start` (main's). */
export function commandTable(start: StartService): Command[] {
  return [...serveCommands(start), ...apiKeyCommands, ...webhookCommands, ...deliveryCommands, ...masterKeyCommands, ...slackCommands];
}

export function findCommand(commands: Command[], argv: string[]): { command: Command; args: string[] } | undefined {
  const two = commands.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, args: argv.slice(2) };
  const one = commands.find((c) => c.name === argv[0]);
  return one ? { command: one, args: argv.slice(1) } : undefined;
}

export function usage(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: forjinn-webhooks <command> [options]   (each command takes --help)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the environment: see docs/configuration.md.',
    '',
  ].join('\n');
}
