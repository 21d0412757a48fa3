// api-key create|list|revoke
import { listApiKeys, revokeApiKey } from '../../store/api-keys.js';
import { createApiKey } from '../../services/auth/api-keys.js';
import { CliError, parse, required } from './args.js';
import type { Command } from './command.js';
import { withContext } from './with-context.js';

const CREATE = 'forjinn-webhooks api-key create --workspace <name> [--name <label>]';
const LIST = 'forjinn-webhooks api-key list [--workspace <name>]';
const REVOKE = 'forjinn-webhooks api-key revoke <id or prefix>';

export const apiKeyCommands: Command[] = [
  {
    name: 'api-key create',
    summary: 'Create an API key for a workspace (creates the workspace); prints it once',
    usage: `${CREATE}\n\nPrints the new key on stdout. It is stored hashed and cannot be shown again.`,
    async run(args) {
      const { values } = parse(args, { workspace: { type: 'string' }, name: { type: 'string' } }, CREATE);
      const workspace = required(values.workspace, '--workspace', CREATE);
      const created = await withContext((ctx) => createApiKey(ctx.db.pool, workspace, values.name));
      process.stdout.write(`${created.key}\n`);
      return 0;
    },
  },
  {
    name: 'api-key list',
    summary: 'List API keys (prefixes only)',
    usage: LIST,
    async run(args) {
      const { values } = parse(args, { workspace: { type: 'string' } }, LIST);
      const keys = await withContext((ctx) => listApiKeys(ctx.db.pool, values.workspace));
      for (const k of keys) {
        process.stdout.write(`${k.id}  ${k.prefix}…  ${k.workspace}  ${k.name ?? ''}  ${k.revokedAt ? 'revoked' : 'active'}\n`);
      }
      return 0;
    },
  },
  {
    name: 'api-key revoke',
    summary: 'Revoke an API key at once',
    usage: REVOKE,
    async run(args) {
      const { positionals } = parse(args, {}, REVOKE);
      const target = positionals[0];
      if (!target) throw new CliError(`missing key id or prefix\n\nusage: ${REVOKE}`);
      const n = await withContext((ctx) => revokeApiKey(ctx.db.pool, target));
      if (n === 0) throw new CliError(`no active key matches ${target}`);
      process.stdout.write(`revoked ${n} key${n > 1 ? 's' : ''}\n`);
      return 0;
    },
  },
];
