// webhook add|list|remove, through the same service as the REST API.
import { findWorkspace } from '../../store/workspaces.js';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';
import { createWebhook, deleteWebhook, listWebhooks } from '../../services/webhooks/service.js';
import { CliError, parse, required } from './args.js';
import type { Command } from './command.js';
import { withContext } from './with-context.js';

const ADD =
  'forjinn-webhooks webhook add --url <url> [--events a,b|*] [--workspace default] [--transformer generic] [--secret S] [--description D]';
const LIST = 'forjinn-webhooks webhook list [--workspace default]';
const REMOVE = 'forjinn-webhooks webhook remove <id> [--workspace default]';

export async function workspaceId(ctx: AppContext, name: string): Promise<string> {
  const w = await findWorkspace(ctx.db.pool, name);
  if (!w) throw new CliError(`no workspace named "${name}" (create one with: forjinn-webhooks api-key create --workspace ${name})`);
  return w.id;
}

/** API errors read as `field: message` on the command line. */
export async function cli<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof ApiError) throw new CliError(`error: ${e.message}`);
    throw e;
  }
}

export const webhookCommands: Command[] = [
  {
    name: 'webhook add',
    summary: 'Add a webhook; prints its id and secret',
    usage: ADD,
    async run(args) {
      const { values } = parse(
        args,
        {
          url: { type: 'string' },
          events: { type: 'string', default: '*' },
          workspace: { type: 'string', default: 'default' },
          transformer: { type: 'string' },
          secret: { type: 'string' },
          description: { type: 'string' },
        },
        ADD,
      );
      const url = required(values.url, '--url', ADD);
      const created = await withContext((ctx) =>
        cli(async () =>
          createWebhook(ctx, await workspaceId(ctx, values.workspace), {
            url,
            events: values.events.split(',').map((s) => s.trim()).filter(Boolean),
            ...(values.transformer ? { transformer: values.transformer } : {}),
            ...(values.secret ? { secret: values.secret } : {}),
            ...(values.description ? { description: values.description } : {}),
          }),
        ),
      );
      process.stdout.write(`id:     ${created.webhook.id}\nsecret: ${created.secret ?? '(none)'}\n`);
      return 0;
    },
  },
  {
    name: 'webhook list',
    summary: 'List the webhooks of a workspace',
    usage: LIST,
    async run(args) {
      const { values } = parse(args, { workspace: { type: 'string', default: 'default' } }, LIST);
      const hooks = await withContext(async (ctx) => listWebhooks(ctx, await workspaceId(ctx, values.workspace)));
      if (hooks.length === 0) process.stdout.write('no webhooks (add one with: forjinn-webhooks webhook add --url ...)\n');
      for (const h of hooks) {
        process.stdout.write(`${h.id}  ${h.enabled ? 'enabled ' : 'disabled'}  ${h.transformer.padEnd(11)} ${h.events.join(',')}  ${h.url}\n`);
      }
      return 0;
    },
  },
  {
    name: 'webhook remove',
    summary: 'Remove a webhook (its pending deliveries are cancelled)',
    usage: REMOVE,
    async run(args) {
      const { values, positionals } = parse(args, { workspace: { type: 'string', default: 'default' } }, REMOVE);
      const id = positionals[0];
      if (!id) throw new CliError(`missing webhook id\n\nusage: ${REMOVE}`);
      const { cancelled } = await withContext(async (ctx) => cli(async () => deleteWebhook(ctx, await workspaceId(ctx, values.workspace), id)));
      process.stdout.write(`removed ${id}${cancelled ? ` (${cancelled} pending deliveries cancelled)` : ''}\n`);
      return 0;
    },
  },
];
