// webhook add|list|remove, through the same service as the REST API: on the database, or with a
// service URL and key through the API itself (service-client.ts).
import { findWorkspace } from '../../store/workspaces.js';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';
import { CliError, parse, required } from './args.js';
import type { Command } from './command.js';
import { withContext } from './with-context.js';
import { keyWorkspace } from './service-client.js';

// Loaded on use: --help, usage errors and commands through the API need none of the service.
const webhooks = () => import('../../services/webhooks/service.js');

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
    remote: true,
    async run(args, service) {
      const { values } = parse(
        args,
        {
          url: { type: 'string' },
          events: { type: 'string', default: '*' },
          workspace: { type: 'string' },
          transformer: { type: 'string' },
          secret: { type: 'string' },
          description: { type: 'string' },
        },
        ADD,
      );
      const url = required(values.url, '--url', ADD);
      const input = {
        url,
        events: values.events.split(',').map((s) => s.trim()).filter(Boolean),
        ...(values.transformer ? { transformer: values.transformer } : {}),
        ...(values.secret ? { secret: values.secret } : {}),
        ...(values.description ? { description: values.description } : {}),
      };
      let created: { id: string; secret?: string | null };
      if (service) {
        await keyWorkspace(service, values.workspace);
        created = (await service.call<{ id: string; secret?: string | null }>('POST', '/v1/webhooks', { body: input })).body;
      } else {
        const { createWebhook } = await webhooks();
        const made = await withContext((ctx) => cli(async () => createWebhook(ctx, await workspaceId(ctx, values.workspace ?? 'default'), input)));
        created = { id: made.webhook.id, secret: made.secret };
      }
      process.stdout.write(`id:     ${created.id}\nsecret: ${created.secret ?? '(none)'}\n`);
      return 0;
    },
  },
  {
    name: 'webhook list',
    summary: 'List the webhooks of a workspace',
    usage: LIST,
    remote: true,
    async run(args, service) {
      const { values } = parse(args, { workspace: { type: 'string' } }, LIST);
      let hooks: { id: string; enabled: boolean; transformer: string; events: string[]; url: string }[];
      if (service) {
        await keyWorkspace(service, values.workspace);
        hooks = (await service.call<{ data: typeof hooks }>('GET', '/v1/webhooks')).body.data;
      } else {
        const { listWebhooks } = await webhooks();
        hooks = await withContext(async (ctx) => listWebhooks(ctx, await workspaceId(ctx, values.workspace ?? 'default')));
      }
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
    remote: true,
    async run(args, service) {
      const { values, positionals } = parse(args, { workspace: { type: 'string' } }, REMOVE);
      const id = positionals[0];
      if (!id) throw new CliError(`missing webhook id\n\nusage: ${REMOVE}`);
      let cancelled = 0;
      if (service) {
        await keyWorkspace(service, values.workspace);
        // The API answers 204 with no count of the deliveries it cancelled.
        await service.call('DELETE', `/v1/webhooks/${encodeURIComponent(id)}`);
      } else {
        const { deleteWebhook } = await webhooks();
        ({ cancelled } = await withContext(async (ctx) => cli(async () => deleteWebhook(ctx, await workspaceId(ctx, values.workspace ?? 'default'), id))));
      }
      process.stdout.write(`removed ${id}${cancelled ? ` (${cancelled} pending deliveries cancelled)` : ''}\n`);
      return 0;
    },
  },
];
