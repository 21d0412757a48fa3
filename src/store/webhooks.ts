// Webhook rows in and out of the database; secrets are sealed here and nowhere else.
import type { Queryable } from './database.js';
import type { Cipher } from '../core/crypto.js';
import type { Filters } from '../services/webhooks/schema.js';

export interface WebhookRow {
  id: string;
  workspace_id: string;
  url_enc: string;
  url_masked: string;
  secret_enc: string | null;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | null;
  events: string[];
  enabled: boolean;
  description: string | null;
  transformer: string;
  transformer_config_enc: string | null;
  template: string | null;
  filters: Filters;
  headers_enc: string | null;
  max_attempts: number | null;
  failure_streak: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  origin: Record<string, unknown> | null;
  created_at: Date;
  updated_at: Date;
}

/** A webhook with its secrets opened, for the delivery engine and the owner's own views. */
export interface Webhook {
  id: string;
  workspaceId: string;
  url: string;
  urlMasked: string;
  secret: string | null;
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  events: string[];
  enabled: boolean;
  description: string | null;
  transformer: string;
  transformerConfig: Record<string, unknown>;
  template: string | null;
  filters: Filters;
  headers: Record<string, string>;
  maxAttempts: number | null;
  failureStreak: number;
  disabledReason: string | null;
  disabledAt: Date | null;
  origin: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

export function openRow(row: WebhookRow, cipher: Cipher): Webhook {
  const open = (v: string | null) => (v === null ? null : cipher.decrypt(v));
  const previousValid = row.previous_secret_expires_at !== null && row.previous_secret_expires_at > new Date();
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    url: cipher.decrypt(row.url_enc),
    urlMasked: row.url_masked,
    secret: open(row.secret_enc),
    previousSecret: previousValid ? open(row.previous_secret_enc) : null,
    previousSecretExpiresAt: previousValid ? row.previous_secret_expires_at : null,
    events: row.events,
    enabled: row.enabled,
    description: row.description,
    transformer: row.transformer,
    transformerConfig: row.transformer_config_enc ? JSON.parse(cipher.decrypt(row.transformer_config_enc)) : {},
    template: row.template,
    filters: row.filters ?? {},
    headers: row.headers_enc ? JSON.parse(cipher.decrypt(row.headers_enc)) : {},
    maxAttempts: row.max_attempts,
    failureStreak: row.failure_streak,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    origin: row.origin,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getWebhookRow(db: Queryable, workspaceId: string, id: string): Promise<WebhookRow | undefined> {
  if (!isUuid(id)) return undefined;
  const { rows } = await db.query<WebhookRow>(
    'select * from webhooks where id = $1 and workspace_id = $2 and deleted_at is null',
    [id, workspaceId],
  );
  return rows[0];
}

export async function getWebhookById(db: Queryable, id: string): Promise<WebhookRow | undefined> {
  const { rows } = await db.query<WebhookRow>('select * from webhooks where id = $1', [id]);
  return rows[0];
}

export async function listWebhookRows(db: Queryable, workspaceId: string): Promise<WebhookRow[]> {
  const { rows } = await db.query<WebhookRow>(
    'select * from webhooks where workspace_id = $1 and deleted_at is null order by created_at, id',
    [workspaceId],
  );
  return rows;
}

export function isUuid(s: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);
}

/** Rows of these webhooks, deleted ones included (the worker's cache; it closes their deliveries). */
export async function getWebhookRows(db: Queryable, ids: string[]): Promise<WebhookRow[]> {
  const { rows } = await db.query<WebhookRow>('select * from webhooks where id = any($1::uuid[])', [ids]);
  return rows;
}

/** Whether a webhook takes deliveries now (redeliver and recover ask); undefined when there is no such row. */
export async function webhookState(db: Queryable, id: string): Promise<{ enabled: boolean; deleted: boolean } | undefined> {
  const { rows } = await db.query<{ enabled: boolean; deleted: boolean }>(
    'select enabled, deleted_at is not null as deleted from webhooks where id = $1',
    [id],
  );
  return rows[0];
}

/** Per webhook, from one batch of results: a success resets the streak, deliveries failed for good add to it. */
export interface HealthChange {
  ids: string[];
  reset: boolean[];
  failed: number[];
  /** The reason a target asked to be disabled (410 Gone), or null. */
  disable: Array<string | null>;
}

/**
 * Keeps the failure streaks, and disables a webhook past `disableAfter` failures in a row (0: never)
 * or when a result asked for it; answers the webhooks disabled by this statement, with why.
 */
export async function updateWebhookHealth(tx: Queryable, change: HealthChange, disableAfter: number): Promise<Array<{ id: string; disabled_reason: string }>> {
  const { rows } = await tx.query<{ id: string; disabled_reason: string }>({
    name: 'update-webhook-health',
    text: `with u as (select * from unnest($1::uuid[], $2::bool[], $3::int[], $4::text[]) as u(id, reset, failed, disable)),
           upd as (
             update webhooks w set
               failure_streak = case when u.reset then u.failed else w.failure_streak + u.failed end,
               enabled = case when u.disable is not null
                 or ($5 > 0 and (case when u.reset then u.failed else w.failure_streak + u.failed end) >= $5) then false else w.enabled end,
               disabled_reason = case
                 when not w.enabled then w.disabled_reason
                 when u.disable is not null then u.disable
                 when $5 > 0 and (case when u.reset then u.failed else w.failure_streak + u.failed end) >= $5
                   then 'disabled after ' || $5 || ' failed deliveries in a row'
                 else w.disabled_reason end,
               disabled_at = case when w.enabled and (u.disable is not null
                 or ($5 > 0 and (case when u.reset then u.failed else w.failure_streak + u.failed end) >= $5)) then now() else w.disabled_at end
             from u where w.id = u.id
             returning w.id, w.enabled, w.disabled_reason, w.disabled_at
           )
           select id, disabled_reason from upd where not enabled and disabled_at = now()`,
    values: [change.ids, change.reset, change.failed, change.disable, disableAfter],
  });
  return rows;
}
