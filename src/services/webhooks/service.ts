// Webhook registry operations shared by the REST API, the CLI and the Slack app: the same
// validation and the same rules whichever door a change comes through.
import { randomBytes } from 'node:crypto';
import { getTransformer, TRANSFORMER_NAMES, withRenderLimit } from '../transformers/index.js';
import { TransformerError } from '../transformers/types.js';
import type { AppContext } from '../../core/context.js';
import { withTransaction, type Queryable } from '../../store/database.js';
import { ApiError, invalid, notFound } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { getWebhookRow, listWebhookRows, openRow, type Webhook, type WebhookRow } from '../../store/webhooks.js';
import {
  createWebhookSchema,
  patchWebhookSchema,
  rotateSecretSchema,
  type CreateWebhookInput,
} from './schema.js';
import { checkWebhookHost, checkWebhookUrl, maskUrl } from './url.js';
import { checkSlackBotMode } from './slack-bot-mode.js';
import { HIDDEN, toView, type WebhookView } from './view.js';

export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

type Ctx = Pick<AppContext, 'db' | 'cipher' | 'config'>;

/** Checks the parts that depend on each other: URL rules, transformer, its config and template. */
function checkTarget(ctx: Ctx, input: { url: string; events: string[]; transformer: string; transformerConfig: Record<string, unknown>; template?: string | null }) {
  const url = checkWebhookUrl(input.url, ctx.config);
  const transformer = getTransformer(input.transformer);
  if (!transformer) throw invalid('transformer', `unknown transformer; one of ${TRANSFORMER_NAMES.join(', ')}`);
  try {
    const config = transformer.parseConfig(input.transformerConfig);
    transformer.checkUrl?.(url, config);
    // The samples render under the configured size bound, as deliveries will.
    if (input.template) withRenderLimit(ctx.config.FORJINN_MAX_RENDERED_BYTES, () => transformer.checkTemplate?.(input.template!, config, input.events));
    return config;
  } catch (e) {
    if (e instanceof TransformerError) {
      const field =
        e.code === 'invalid_url' ? 'url' : e.code === 'invalid_template' ? 'template' : e.field ? `transformerConfig.${e.field}` : 'transformerConfig';
      throw new ApiError('validation_error', `${field}: ${e.message}`, field, [{ field, message: e.message }]);
    }
    throw e;
  }
}

/**
 * Refuses a webhook past FORJINN_MAX_WEBHOOKS_PER_WORKSPACE (config.ts says why). The
 * workspace row is locked until the insert commits, so concurrent creates are counted one after
 * another and a burst cannot pass the limit together. `no key update`: ingest's foreign keys to
 * the row (key share) go on meanwhile.
 */
async function checkRoom(tx: Queryable, ctx: Ctx, workspaceId: string): Promise<void> {
  const max = ctx.config.FORJINN_MAX_WEBHOOKS_PER_WORKSPACE;
  await tx.query('select 1 from workspaces where id = $1 for no key update', [workspaceId]);
  const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from webhooks where workspace_id = $1 and deleted_at is null', [workspaceId]);
  if (rows[0].n >= max) {
    throw new ApiError('limit_exceeded', `this workspace has ${rows[0].n} webhooks, the limit (FORJINN_MAX_WEBHOOKS_PER_WORKSPACE=${max}); delete one first`);
  }
}

export async function createWebhook(
  ctx: Ctx,
  workspaceId: string,
  raw: unknown,
  origin?: Record<string, unknown>,
): Promise<{ webhook: WebhookView; secret: string | null }> {
  const input: CreateWebhookInput = parseInput(createWebhookSchema, raw);
  checkTarget(ctx, input);
  await checkSlackBotMode(ctx.db.pool, workspaceId, input);
  await checkWebhookHost(input.url, ctx.config);
  const secret = input.secret === null ? null : (input.secret ?? generateSecret());
  const { cipher } = ctx;
  const rows = await withTransaction(ctx.db, async (tx) => {
    await checkRoom(tx, ctx, workspaceId);
    const { rows } = await tx.query<WebhookRow>(
      `insert into webhooks (workspace_id, url_enc, url_masked, secret_enc, events, enabled, description,
         transformer, transformer_config_enc, template, filters, headers_enc, max_attempts, origin)
       values ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14::jsonb)
       returning *`,
      [
        workspaceId,
        cipher.encrypt(input.url),
        maskUrl(input.url),
        secret === null ? null : cipher.encrypt(secret),
        input.events,
        input.enabled ?? true,
        input.description ?? null,
        input.transformer,
        cipher.encrypt(JSON.stringify(input.transformerConfig)),
        input.template ?? null,
        JSON.stringify(input.filters),
        Object.keys(input.headers).length ? cipher.encrypt(JSON.stringify(input.headers)) : null,
        input.maxAttempts ?? null,
        origin ? JSON.stringify(origin) : null,
      ],
    );
    return rows;
  });
  return { webhook: toView(openRow(rows[0], cipher)), secret };
}

export async function listWebhooks(ctx: Ctx, workspaceId: string): Promise<WebhookView[]> {
  const rows = await listWebhookRows(ctx.db.pool, workspaceId);
  return rows.map((r) => toView(openRow(r, ctx.cipher)));
}

export async function loadWebhook(ctx: Ctx, workspaceId: string, id: string, db: Queryable = ctx.db.pool): Promise<Webhook> {
  const row = await getWebhookRow(db, workspaceId, id);
  if (!row) throw notFound('webhook');
  return openRow(row, ctx.cipher);
}

export async function updateWebhook(ctx: Ctx, workspaceId: string, id: string, raw: unknown): Promise<WebhookView> {
  if (raw && typeof raw === 'object' && 'secret' in raw) {
    throw invalid('secret', 'cannot be changed with PATCH; use POST /v1/webhooks/{id}/rotate-secret');
  }
  const patch = parseInput(patchWebhookSchema, raw);
  // Resolved before the transaction: a slow DNS answer must not hold a database connection.
  if (patch.url !== undefined) await checkWebhookHost(patch.url, ctx.config);
  return withTransaction(ctx.db, async (tx) => {
    const current = await loadWebhook(ctx, workspaceId, id, tx);
    const next = {
      url: patch.url ?? current.url,
      events: patch.events ?? current.events,
      transformer: patch.transformer ?? current.transformer,
      transformerConfig: keepHidden(patch.transformerConfig, current.transformerConfig),
      template: patch.template === undefined ? current.template : patch.template,
    };
    checkTarget(ctx, next);
    // Only when the target changes: an unlinked workspace can still disable or delete its webhook.
    if (patch.transformer !== undefined || patch.transformerConfig !== undefined) await checkSlackBotMode(tx, workspaceId, next);
    const reenable = patch.enabled === true && !current.enabled;
    const { rows } = await tx.query<WebhookRow>(
      `update webhooks set url_enc = $3, url_masked = $4, events = $5::text[], enabled = $6, description = $7,
         transformer = $8, transformer_config_enc = $9, template = $10, filters = $11::jsonb, headers_enc = $12,
         max_attempts = $13, updated_at = now(),
         failure_streak = case when $14 then 0 else failure_streak end,
         disabled_reason = case when $6 then null else disabled_reason end,
         disabled_at = case when $6 then null else disabled_at end
       where id = $1 and workspace_id = $2 returning *`,
      [
        id,
        workspaceId,
        ctx.cipher.encrypt(next.url),
        maskUrl(next.url),
        patch.events ?? current.events,
        patch.enabled ?? current.enabled,
        patch.description === undefined ? current.description : patch.description,
        next.transformer,
        ctx.cipher.encrypt(JSON.stringify(next.transformerConfig)),
        next.template,
        JSON.stringify(patch.filters ?? current.filters),
        encryptHeaders(ctx, keepHidden(patch.headers, current.headers)),
        patch.maxAttempts === undefined ? current.maxAttempts : patch.maxAttempts,
        reenable,
      ],
    );
    return toView(openRow(rows[0], ctx.cipher));
  });
}

/** A value sent back as shown (hidden) keeps what is stored: the page can save a form it loaded. */
export function keepHidden<T>(next: Record<string, T> | undefined, current: Record<string, T>): Record<string, T> {
  if (!next) return current;
  return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v === HIDDEN && k in current ? current[k] : v]));
}

function encryptHeaders(ctx: Ctx, headers: Record<string, string>): string | null {
  return Object.keys(headers).length ? ctx.cipher.encrypt(JSON.stringify(headers)) : null;
}

/** Soft delete: the request log stays; pending deliveries become `cancelled`, not silently lost. */
export async function deleteWebhook(ctx: Ctx, workspaceId: string, id: string): Promise<{ cancelled: number }> {
  return withTransaction(ctx.db, async (tx) => {
    await loadWebhook(ctx, workspaceId, id, tx);
    // Deliveries before the webhook row: the same lock order as the worker's result writer
    // (deliveries, then webhooks), so a delete racing a finished attempt does not deadlock on it.
    // A rarer collision (the writer disabling this webhook fails its pending deliveries too) can
    // still deadlock; withTransaction runs the victim again.
    const { rowCount } = await tx.query(
      `update deliveries set status = 'cancelled', completed_at = now(), last_error = 'webhook deleted'
       where webhook_id = $1 and status = 'pending'`,
      [id],
    );
    await tx.query('update webhooks set deleted_at = now(), enabled = false, updated_at = now() where id = $1', [id]);
    return { cancelled: rowCount ?? 0 };
  });
}

export async function rotateSecret(
  ctx: Ctx,
  workspaceId: string,
  id: string,
  raw: unknown,
): Promise<{ secret: string; previousSecretExpiresAt: string | null }> {
  const input = parseInput(rotateSecretSchema, raw);
  const secret = input.secret ?? generateSecret();
  return withTransaction(ctx.db, async (tx) => {
    const current = await loadWebhook(ctx, workspaceId, id, tx);
    const keepOld = current.secret !== null && input.graceSeconds > 0;
    const { rows } = await tx.query<{ expires: Date | null }>(
      `update webhooks set secret_enc = $2,
         previous_secret_enc = case when $3 then secret_enc else null end,
         previous_secret_expires_at = case when $3 then now() + make_interval(secs => $4) else null end,
         updated_at = now()
       where id = $1 returning previous_secret_expires_at as expires`,
      [id, ctx.cipher.encrypt(secret), keepOld, input.graceSeconds],
    );
    return { secret, previousSecretExpiresAt: rows[0].expires?.toISOString() ?? null };
  });
}
