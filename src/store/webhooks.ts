// The webhooks table: rows in and out of the database; secrets are sealed here and nowhere else.
// WebhookRow is its one row type, as stored; Webhook is the same row with its secrets opened, and
// every other shape read here is a part of it (Subscription, Settings).
import type { Queryable } from './database.js';
import type { Cipher } from '../core/crypto.js';
import { hintUrl } from '../core/reveal.js';

/** Ids a webhook's deliveries are limited to; an empty or absent list matches every event (services/webhooks/schema.ts checks them). */
export interface Filters {
  chatflowIds?: string[];
  agentIds?: string[];
  datasetIds?: string[];
}

/**
 * A webhook's template: one for every event type (the `template` column), or one per event type
 * (the `templates` column, jsonb); null: the built-in ones. The services check its shape.
 */
export type TemplateSetting = string | Partial<Record<string, string>> | null;

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
  templates: Partial<Record<string, string>> | null;
  filters: Filters;
  headers_enc: string | null;
  max_attempts: number | null;
  failure_streak: number;
  disabled_reason: string | null;
  disabled_at: Date | null;
  origin: Record<string, unknown> | null;
  /** Set on a listener only (`listen`, services/listeners): removed once this has passed with no stream open. */
  listener_until: Date | null;
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
  template: TemplateSetting;
  filters: Filters;
  headers: Record<string, string>;
  maxAttempts: number | null;
  failureStreak: number;
  disabledReason: string | null;
  disabledAt: Date | null;
  origin: Record<string, unknown> | null;
  /** A listener's (`listen`): its deliveries go to the CLI's stream, never to a worker. */
  listener?: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export function openRow(row: WebhookRow, cipher: Cipher): Webhook {
  const open = (v: string | null) => (v === null ? null : cipher.decrypt(v));
  const previousValid = row.previous_secret_expires_at !== null && row.previous_secret_expires_at > new Date();
  const url = cipher.decrypt(row.url_enc);
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    url,
    // By the rule of today (core/reveal.ts), not the one url_masked was written under.
    urlMasked: hintUrl(url),
    secret: open(row.secret_enc),
    previousSecret: previousValid ? open(row.previous_secret_enc) : null,
    previousSecretExpiresAt: previousValid ? row.previous_secret_expires_at : null,
    events: row.events,
    enabled: row.enabled,
    description: row.description,
    transformer: row.transformer,
    transformerConfig: row.transformer_config_enc ? JSON.parse(cipher.decrypt(row.transformer_config_enc)) : {},
    template: row.templates ?? row.template,
    filters: row.filters ?? {},
    headers: row.headers_enc ? JSON.parse(cipher.decrypt(row.headers_enc)) : {},
    maxAttempts: row.max_attempts,
    failureStreak: row.failure_streak,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at,
    origin: row.origin,
    listener: row.listener_until !== null && row.listener_until !== undefined,
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

/** What a webhook is saved with, in the clear (sealed by the statements below). */
type Settings = Pick<
  Webhook,
  'url' | 'urlMasked' | 'events' | 'enabled' | 'description' | 'transformer' | 'transformerConfig' | 'template' | 'filters' | 'headers' | 'maxAttempts'
>;

/** The `template` and `templates` columns of a setting: a string in the one, a map in the other. */
function templateColumns(t: TemplateSetting): [string | null, string | null] {
  return typeof t === 'string' ? [t, null] : t ? [null, JSON.stringify(t)] : [null, null];
}

function sealHeaders(cipher: Cipher, headers: Record<string, string>): string | null {
  return Object.keys(headers).length ? cipher.encrypt(JSON.stringify(headers)) : null;
}

export async function insertWebhook(
  tx: Queryable,
  cipher: Cipher,
  workspaceId: string,
  s: Settings & { secret: string | null; origin?: Record<string, unknown>; listenerMs?: number },
): Promise<WebhookRow> {
  const { rows } = await tx.query<WebhookRow>(
    `insert into webhooks (workspace_id, url_enc, url_masked, secret_enc, events, enabled, description,
       transformer, transformer_config_enc, template, filters, headers_enc, max_attempts, origin, templates, listener_until)
     values ($1, $2, $3, $4, $5::text[], $6, $7, $8, $9, $10, $11::jsonb, $12, $13, $14::jsonb, $15::jsonb,
       case when $16::float8 is not null then now() + make_interval(secs => $16::float8 / 1000) end)
     returning *`,
    [
      workspaceId,
      cipher.encrypt(s.url),
      s.urlMasked,
      s.secret === null ? null : cipher.encrypt(s.secret),
      s.events,
      s.enabled,
      s.description,
      s.transformer,
      cipher.encrypt(JSON.stringify(s.transformerConfig)),
      templateColumns(s.template)[0],
      JSON.stringify(s.filters),
      sealHeaders(cipher, s.headers),
      s.maxAttempts,
      s.origin ? JSON.stringify(s.origin) : null,
      templateColumns(s.template)[1],
      s.listenerMs ?? null,
    ],
  );
  return rows[0];
}

/**
 * Saves every setting at once. `reenable` (enabled again by hand) starts the failure streak
 * over; enabling clears why the service had disabled it.
 */
export async function updateWebhookSettings(tx: Queryable, cipher: Cipher, workspaceId: string, id: string, s: Settings, reenable: boolean): Promise<WebhookRow> {
  const { rows } = await tx.query<WebhookRow>(
    `update webhooks set url_enc = $3, url_masked = $4, events = $5::text[], enabled = $6, description = $7,
       transformer = $8, transformer_config_enc = $9, template = $10, filters = $11::jsonb, headers_enc = $12,
       max_attempts = $13, templates = $15::jsonb, updated_at = now(),
       failure_streak = case when $14 then 0 else failure_streak end,
       disabled_reason = case when $6 then null else disabled_reason end,
       disabled_at = case when $6 then null else disabled_at end
     where id = $1 and workspace_id = $2 returning *`,
    [
      id,
      workspaceId,
      cipher.encrypt(s.url),
      s.urlMasked,
      s.events,
      s.enabled,
      s.description,
      s.transformer,
      cipher.encrypt(JSON.stringify(s.transformerConfig)),
      templateColumns(s.template)[0],
      JSON.stringify(s.filters),
      sealHeaders(cipher, s.headers),
      s.maxAttempts,
      reenable,
      templateColumns(s.template)[1],
    ],
  );
  return rows[0];
}

/** The webhooks of a workspace that are not deleted (its limit counts these). */
export async function countWebhooks(tx: Queryable, workspaceId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>('select count(*)::int as n from webhooks where workspace_id = $1 and deleted_at is null', [workspaceId]);
  return rows[0].n;
}

/** A listener's stream is open (or just ended): it is kept at least `ms` more. False: no such listener (removed). */
export async function renewListener(db: Queryable, id: string, ms: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `update webhooks set listener_until = now() + make_interval(secs => $2::float8 / 1000)
     where id = $1 and listener_until is not null and deleted_at is null`,
    [id, ms],
  );
  return Boolean(rowCount);
}

/** Listeners whose time has passed with no stream open (services/listeners removes them). */
export async function expiredListeners(db: Queryable): Promise<Array<{ id: string; workspace_id: string }>> {
  const { rows } = await db.query<{ id: string; workspace_id: string }>(
    'select id, workspace_id from webhooks where listener_until < now() and deleted_at is null',
  );
  return rows;
}

/** Soft delete: the row stays for the request log; it takes no more deliveries. */
export async function softDeleteWebhook(tx: Queryable, id: string): Promise<void> {
  await tx.query('update webhooks set deleted_at = now(), enabled = false, updated_at = now() where id = $1', [id]);
}

/**
 * A new signing secret; with `keepOld` the current one keeps signing beside it for
 * `graceSeconds`. Answers until when the old one signs (null: it stopped now).
 */
export async function rotateWebhookSecret(tx: Queryable, cipher: Cipher, id: string, secret: string, keepOld: boolean, graceSeconds: number): Promise<Date | null> {
  const { rows } = await tx.query<{ expires: Date | null }>(
    `update webhooks set secret_enc = $2,
       previous_secret_enc = case when $3 then secret_enc else null end,
       previous_secret_expires_at = case when $3 then now() + make_interval(secs => $4) else null end,
       updated_at = now()
     where id = $1 returning previous_secret_expires_at as expires`,
    [id, cipher.encrypt(secret), keepOld, graceSeconds],
  );
  return rows[0].expires;
}

/** A channel's subscription (a webhook made by /forjinn subscribe there), for its list. */
export type Subscription = Pick<Webhook, 'id' | 'events' | 'filters' | 'enabled' | 'disabledReason'> & { user: string | null };

/** The subscriptions made with /forjinn subscribe in one channel of one workspace, oldest first. */
export async function channelSubscriptions(db: Queryable, workspaceId: string, channel: string): Promise<Subscription[]> {
  const { rows } = await db.query<{ id: string; events: string[]; filters: Filters; enabled: boolean; disabled_reason: string | null; user: string | null }>(
    `select id, events, filters, enabled, disabled_reason, origin->>'user' as user
     from webhooks
     where workspace_id = $1 and (origin->>'channel') = $2 and deleted_at is null and origin is not null
       and origin->>'source' = 'slack' and origin->>'kind' = 'subscription'
     order by created_at, id`,
    [workspaceId, channel],
  );
  return rows.map((r) => ({ id: r.id, events: r.events, filters: r.filters ?? {}, enabled: r.enabled, disabledReason: r.disabled_reason, user: r.user }));
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
