// The command table: one line each, looked up by one or two words.
import { apiKeyCommands } from './api-key-commands.js';
import { serveCommands } from './serve-commands.js';
import { webhookCommands } from './webhook-commands.js';
import { deliveryCommands } from './delivery-commands.js';
import { masterKeyCommands } from './master-key-commands.js';
import { slackCommands } from './slack-commands.js';

export interface Command {
  name: string;
  usage: string;
  summary: string;
  run(args: string[]): Promise<number>;
}

export const COMMANDS: Command[] = [...serveCommands, ...apiKeyCommands, ...webhookCommands, ...deliveryCommands, ...masterKeyCommands, ...slackCommands];

export function findCommand(argv: string[]): { command: Command; args: string[] } | undefined {
  const two = COMMANDS.find((c) => c.name === `${argv[0]} ${argv[1]}`);
  if (two) return { command: two, args: argv.slice(2) };
  const one = COMMANDS.find((c) => c.name === argv[0]);
  return one ? { command: one, args: argv.slice(1) } : undefined;
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: forjinn-webhooks <command> [options]   (each command takes --help)',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the environment: see docs/configuration.md.',
    '',
  ].join('\n');
}
