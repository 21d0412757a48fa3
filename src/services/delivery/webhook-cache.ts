// Webhooks as the worker needs them: secrets opened, transformer settings parsed, kept in
// memory and reloaded when the row's updated_at says it changed.
import { getTransformer, splitGroup, type GroupSetting } from '../transformers/index.js';
import { parseGroup } from '../transformers/shared/group.js';
import type { Queryable } from '../../store/database.js';
import type { Cipher } from '../../core/crypto.js';
import { getWebhookRows, openRow, type WebhookRow } from '../../store/webhooks.js';
import type { PreparedWebhook } from './request.js';

export interface CachedWebhook extends PreparedWebhook {
  updatedAt: number;
  concurrency: number;
  /** Grouped alerts: the webhook's `transformerConfig.group` as parsed (null: one message per event). */
  group: GroupSetting | null;
}

export class WebhookCache {
  private byId = new Map<string, CachedWebhook>();

  constructor(
    private cipher: Cipher,
    private defaultConcurrency: number,
  ) {}

  get(id: string): CachedWebhook | undefined {
    return this.byId.get(id);
  }

  /** Makes sure every id is loaded at (at least) the given version. */
  async ensure(db: Queryable, wanted: Map<string, Date>): Promise<void> {
    const stale = [...wanted].filter(([id, at]) => (this.byId.get(id)?.updatedAt ?? -1) < at.getTime()).map(([id]) => id);
    if (stale.length === 0) return;
    for (const row of await getWebhookRows(db, stale)) this.byId.set(row.id, this.prepare(row));
  }

  prepare(row: WebhookRow): CachedWebhook {
    const webhook = openRow(row, this.cipher);
    const transformer = getTransformer(webhook.transformer);
    if (!transformer) throw new Error(`webhook ${row.id} names an unknown transformer ${webhook.transformer}`);
    const { settings, group: rawGroup } = splitGroup(webhook.transformerConfig);
    let config: unknown;
    try {
      config = transformer.parseConfig(settings);
    } catch {
      config = settings; // render reports the problem on the attempt
    }
    let group: GroupSetting | null;
    try {
      group = parseGroup(transformer, rawGroup);
    } catch {
      group = null; // saved settings were checked; a setting no longer valid sends one message per event
    }
    return {
      webhook,
      transformer,
      config,
      group,
      updatedAt: row.updated_at.getTime(),
      concurrency: transformer.defaultEndpointConcurrency ?? this.defaultConcurrency,
    };
  }
}
