// emit, webhook test, verify: the delivery engine from the command line.
import { readFileSync } from 'node:fs';
import { findWorkspace } from '../../store/workspaces.js';
import { verifyWebhook } from '../../services/receiving/verify.js';
import { CliError, parse, required } from './args.js';
import type { Command } from './command.js';
import type { sendTest } from '../../services/delivery/send-test.js';
import { cli, workspaceId } from './webhook-commands.js';
import { withContext } from './with-context.js';
import { keyWorkspace } from './service-client.js';

// Loaded on use: --help, usage errors and commands through the API need none of the engine.
const ingest = () => import('../../services/ingest/ingest.js');
const engines = () => Promise.all([import('../../services/delivery/engine.js'), import('../../services/delivery/send-test.js')]);

const EMIT = 'forjinn-webhooks emit <file.json | -> [--workspace default] [--idempotency-key K]';
const TEST = 'forjinn-webhooks webhook test <id> [--event TYPE] [--workspace default]';
const VERIFY = 'forjinn-webhooks verify --secret S --signature H [--timestamp T --id I] < body';

function readInput(path: string): string {
  return readFileSync(path === '-' ? 0 : path, 'utf8');
}

export const deliveryCommands: Command[] = [
  {
    name: 'emit',
    summary: 'Report an event (JSON from a file or stdin), as POST /v1/events does',
    usage: `${EMIT}\n\nA running service delivers it within its poll interval; prints {"id","deliveries"}.`,
    remote: true,
    async run(args, service) {
      const { values, positionals } = parse(args, { workspace: { type: 'string' }, 'idempotency-key': { type: 'string' } }, EMIT);
      const file = positionals[0];
      if (!file) throw new CliError(`missing the event file (or - for stdin)\n\nusage: ${EMIT}`);
      let body: unknown;
      try {
        body = JSON.parse(readInput(file));
      } catch (e) {
        throw new CliError(`cannot read the event: ${(e as Error).message}`);
      }
      const key = values['idempotency-key'];
      if (service) {
        await keyWorkspace(service, values.workspace);
        const res = await service.call('POST', '/v1/events', { body, headers: key ? { 'idempotency-key': key } : {} });
        process.stdout.write(`${JSON.stringify(res.body)}\n`);
        return 0;
      }
      const name = values.workspace ?? 'default';
      const { ingestEvent } = await ingest();
      const result = await withContext(async (ctx) =>
        cli(async () => {
          const w = await findWorkspace(ctx.db.pool, name);
          if (!w) throw new CliError(`no workspace named "${name}"`);
          // No worker in this process: the service's workers find the deliveries (NOTIFY, or their poll).
          return ingestEvent(ctx, { wake: () => {} }, w, body, key);
        }),
      );
      process.stdout.write(`${JSON.stringify(result.body)}\n`);
      return 0;
    },
  },
  {
    name: 'webhook test',
    summary: 'Send a sample event to a webhook now and print what happened',
    usage: TEST,
    remote: true,
    async run(args, service) {
      const { values, positionals } = parse(args, { event: { type: 'string' }, workspace: { type: 'string' } }, TEST);
      const id = positionals[0];
      if (!id) throw new CliError(`missing webhook id\n\nusage: ${TEST}`);
      const input = values.event ? { event: values.event } : {};
      let result: Pick<Awaited<ReturnType<typeof sendTest>>, 'outcome' | 'response' | 'error' | 'deliveryId'>;
      if (service) {
        await keyWorkspace(service, values.workspace);
        result = (await service.call('POST', `/v1/webhooks/${encodeURIComponent(id)}/test`, { body: input })).body;
      } else {
        const name = values.workspace ?? 'default';
        const [{ createEngine }, { sendTest }] = await engines();
        result = await withContext(async (ctx) =>
          cli(async () => {
            const wsId = await workspaceId(ctx, name);
            const engine = createEngine(ctx, { worker: false });
            try {
              return await sendTest(engine, ctx, { id: wsId, name }, id, input);
            } finally {
              await engine.stop();
            }
          }),
        );
      }
      const status = result.response ? `HTTP ${result.response.status} in ${result.response.durationMs} ms` : (result.error ?? 'no response');
      process.stdout.write(`${result.outcome === 'success' ? 'ok' : 'failed'}: ${status}\ndelivery: ${result.deliveryId}\n`);
      if (result.response?.body) process.stdout.write(`response: ${result.response.body.slice(0, 500)}\n`);
      return result.outcome === 'success' ? 0 : 1;
    },
  },
  {
    name: 'verify',
    summary: 'Check a delivery\'s signature (body on stdin)',
    usage: `${VERIFY}\n\nWith --timestamp and --id, H is a webhook-signature (Standard Webhooks); without, an X-Forjinn-Signature (or, during a secret rotation, X-Forjinn-Signature-Previous for the old secret).`,
    async run(args) {
      const { values } = parse(args, { secret: { type: 'string' }, signature: { type: 'string' }, timestamp: { type: 'string' }, id: { type: 'string' }, tolerance: { type: 'string' } }, VERIFY);
      const secret = required(values.secret, '--secret', VERIFY);
      const signature = required(values.signature, '--signature', VERIFY);
      const body = readFileSync(0);
      const headers: Record<string, string> =
        values.timestamp && values.id
          ? { 'webhook-id': values.id, 'webhook-timestamp': values.timestamp, 'webhook-signature': signature }
          : { 'x-forjinn-signature': signature };
      try {
        verifyWebhook(body, headers, secret, { toleranceSeconds: values.tolerance ? Number(values.tolerance) : 300 });
      } catch (e) {
        process.stdout.write(`invalid: ${(e as Error).message}\n`);
        return 1;
      }
      process.stdout.write('valid\n');
      return 0;
    },
  },
];
