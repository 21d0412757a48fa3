// Webhook registry operations shared by the REST API, the CLI and the Slack app: the same
// validation and the same rules whichever door a change comes through.
import { randomBytes } from 'node:crypto';
import { getTransformer, isSigned, parseTargetConfig, TRANSFORMER_NAMES, withRenderLimit } from '../transformers/index.js';
import { TransformerError } from '../transformers/types.js';
import type { AppContext } from '../../core/context.js';
import { withTransaction, type Queryable } from '../../store/database.js';
import { ApiError, invalid, notFound } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import {
  countWebhooks,
  getWebhookRow,
  insertWebhook,
  listWebhookRows,
  openRow,
  rotateWebhookSecret,
  softDeleteWebhook,
  updateWebhookSettings,
  type Webhook,
  type TemplateSetting,
} from '../../store/webhooks.js';
import { lockWorkspace } from '../../store/workspaces.js';
import { cancelPendingOfWebhook } from '../../store/deliveries/index.js';
import {
  createWebhookSchema,
  patchWebhookSchema,
  rotateSecretSchema,
  type CreateWebhookInput,
} from './schema.js';
import { checkWebhookHost, checkWebhookUrl } from './url.js';
import { hintUrl } from '../../core/reveal.js';
import { checkSlackBotMode } from './slack-bot-mode.js';
import { HIDDEN, toView, type WebhookView } from './view.js';
import type { UrlAudience } from '../../core/shown-url.js';

export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

type Ctx = Pick<AppContext, 'db' | 'cipher' | 'config'>;

/** Checks the parts that depend on each other: URL rules, transformer, its config and template. */
function checkTarget(ctx: Ctx, input: { url: string; events: string[]; transformer: string; transformerConfig: Record<string, unknown>; template?: TemplateSetting }) {
  const url = checkWebhookUrl(input.url, ctx.config);
  const transformer = getTransformer(input.transformer);
  if (!transformer) throw invalid('transformer', `unknown transformer; one of ${TRANSFORMER_NAMES.join(', ')}`);
  let field = 'template';
  try {
    // The target's own settings, and `group` (grouped alerts: shared/group.ts).
    const { config } = parseTargetConfig(transformer, input.transformerConfig);
    transformer.checkUrl?.(url, config);
    // The samples render under the configured size bound, as deliveries will: one template
    // against the sample of every type subscribed, each of a per-event map against its own.
    const check = (source: string, events: readonly string[]) =>
      withRenderLimit(ctx.config.FORJINN_MAX_RENDERED_BYTES, () => transformer.checkTemplate?.(source, config, events));
    if (typeof input.template === 'string') {
      if (input.template) check(input.template, input.events);
    } else if (input.template) {
      for (const [type, source] of Object.entries(input.template)) {
        field = `template.${type}`;
        if (source) check(source, [type]);
      }
    }
    return config;
  } catch (e) {
    if (e instanceof TransformerError) {
      if (e.code !== 'invalid_template') field = e.code === 'invalid_url' ? 'url' : e.field ? `transformerConfig.${e.field}` : 'transformerConfig';
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
export async function checkRoom(tx: Queryable, ctx: Ctx, workspaceId: string): Promise<void> {
  const max = ctx.config.FORJINN_MAX_WEBHOOKS_PER_WORKSPACE;
  await lockWorkspace(tx, workspaceId);
  const n = await countWebhooks(tx, workspaceId);
  if (n >= max) {
    throw new ApiError('limit_exceeded', `this workspace has ${n} webhooks, the limit (FORJINN_MAX_WEBHOOKS_PER_WORKSPACE=${max}); delete one first`);
  }
}

export async function createWebhook(
  ctx: Ctx,
  workspaceId: string,
  raw: unknown,
  origin?: Record<string, unknown>,
  audience: UrlAudience = 'workspace',
): Promise<{ webhook: WebhookView; secret: string | null }> {
  const input: CreateWebhookInput = parseInput(createWebhookSchema, raw);
  checkTarget(ctx, input);
  // Chat targets take no signatures (they declare signed: false): a secret would sign nothing.
  const signed = isSigned(input.transformer);
  if (!signed && input.secret) {
    throw invalid('secret', `${input.transformer} deliveries are not signed (chat and incident targets take no signatures); leave the secret out`);
  }
  await checkSlackBotMode(ctx.db.pool, workspaceId, input);
  await checkWebhookHost(input.url, ctx.config);
  const secret = input.secret === null || !signed ? null : (input.secret ?? generateSecret());
  const { cipher } = ctx;
  const row = await withTransaction(ctx.db, async (tx) => {
    await checkRoom(tx, ctx, workspaceId);
    return insertWebhook(tx, cipher, workspaceId, {
      url: input.url,
      urlMasked: hintUrl(input.url),
      secret,
      events: input.events,
      enabled: input.enabled ?? true,
      description: input.description ?? null,
      transformer: input.transformer,
      transformerConfig: input.transformerConfig,
      template: input.template ?? null,
      filters: input.filters,
      headers: input.headers,
      maxAttempts: input.maxAttempts ?? null,
      origin,
    });
  });
  return { webhook: toView(openRow(row, cipher), audience), secret };
}

/** The workspace's webhooks as `audience` may see them (shown-url.ts). */
export async function listWebhooks(ctx: Ctx, workspaceId: string, audience: UrlAudience = 'workspace'): Promise<WebhookView[]> {
  const rows = await listWebhookRows(ctx.db.pool, workspaceId);
  return rows.map((r) => toView(openRow(r, ctx.cipher), audience));
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
    const row = await updateWebhookSettings(
      tx,
      ctx.cipher,
      workspaceId,
      id,
      {
        url: next.url,
        urlMasked: hintUrl(next.url),
        events: patch.events ?? current.events,
        enabled: patch.enabled ?? current.enabled,
        description: patch.description === undefined ? current.description : patch.description,
        transformer: next.transformer,
        transformerConfig: next.transformerConfig,
        template: next.template,
        filters: patch.filters ?? current.filters,
        headers: keepHidden(patch.headers, current.headers),
        maxAttempts: patch.maxAttempts === undefined ? current.maxAttempts : patch.maxAttempts,
      },
      reenable,
    );
    return toView(openRow(row, ctx.cipher));
  });
}

/** A value sent back as shown (hidden) keeps what is stored: the page can save a form it loaded. */
export function keepHidden<T>(next: Record<string, T> | undefined, current: Record<string, T>): Record<string, T> {
  if (!next) return current;
  return Object.fromEntries(Object.entries(next).map(([k, v]) => [k, v === HIDDEN && k in current ? current[k] : v]));
}

/** Soft delete: the request log stays; pending deliveries become `cancelled` (`reason` in the log), not silently lost. */
export async function deleteWebhook(ctx: Ctx, workspaceId: string, id: string, reason?: string): Promise<{ cancelled: number }> {
  return withTransaction(ctx.db, async (tx) => {
    await loadWebhook(ctx, workspaceId, id, tx);
    // Deliveries before the webhook row: the same lock order as the worker's result writer
    // (deliveries, then webhooks), so a delete racing a finished attempt does not deadlock on it.
    // A rarer collision (the writer disabling this webhook fails its pending deliveries too) can
    // still deadlock; withTransaction runs the victim again.
    const cancelled = await cancelPendingOfWebhook(tx, id, reason);
    await softDeleteWebhook(tx, id);
    return { cancelled };
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
    const expires = await rotateWebhookSecret(tx, ctx.cipher, id, secret, keepOld, input.graceSeconds);
    return { secret, previousSecretExpiresAt: expires?.toISOString() ?? null };
  });
}
