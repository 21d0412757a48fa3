// Finished attempts are written in batches: one transaction stores every attempt row, moves
// each delivery to its next state and keeps the webhooks' failure streaks. A batch closes after
// BATCH_MAX records or BATCH_WAIT_MS, whichever comes first; callers may await their record.
import type { Database } from '../../store/database.js';
import { withTransaction } from '../../store/database.js';
import type { Logger } from '../../core/log.js';
import type { AttemptRecord } from './attempt.js';

/** Large enough to amortise a transaction across a busy second, small enough to keep statements cheap. */
const BATCH_MAX = 500;
/** Short: a record waits at most this long before it is stored (Send Test waits for it). */
const BATCH_WAIT_MS = 5;

export interface DisabledWebhook {
  webhookId: string;
  reason: string;
}

export interface ResultHooks {
  onFlushed?(records: AttemptRecord[], disabled: DisabledWebhook[]): void;
}

export class ResultWriter {
  private pending: Array<{ record: AttemptRecord; done: (err?: unknown) => void }> = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private db: Database,
    private log: Logger,
    private disableAfter: number,
    private hooks: ResultHooks = {},
  ) {}

  add(record: AttemptRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ record, done: (err) => (err ? reject(err) : resolve()) });
      if (this.pending.length >= BATCH_MAX) this.flushSoon(0);
      else this.flushSoon(BATCH_WAIT_MS);
    });
  }

  private flushSoon(ms: number) {
    if (this.timer && ms > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  /** Writes everything added so far; retries a failed write until it lands (nothing is dropped). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, BATCH_MAX);
        for (let tries = 0; ; tries++) {
          try {
            const disabled = await this.write(batch.map((b) => b.record));
            batch.forEach((b) => b.done());
            this.hooks.onFlushed?.(batch.map((b) => b.record), disabled);
            break;
          } catch (err) {
            this.log.error({ err, records: batch.length, tries }, 'writing attempt results failed; retrying');
            if (tries >= 20) {
              batch.forEach((b) => b.done(err));
              break;
            }
            await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** tries, 5_000)));
          }
        }
      }
    });
    return this.flushing;
  }

  private async write(records: AttemptRecord[]): Promise<DisabledWebhook[]> {
    const col = <T>(f: (r: AttemptRecord) => T) => records.map(f);
    return withTransaction(this.db, async (tx) => {
      await tx.query({
        name: 'insert-attempts',
        // Bodies and headers arrive within their bounds (stored.ts): what a cut kept, and that it was cut.
        text: `insert into attempts (delivery_id, attempt, trigger, outcome, request_url, request_headers, request_body,
                 response_status, response_headers, response_body, duration_ms, error, created_at,
                 request_body_truncated, response_body_truncated)
               select * from unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[],
                 $8::int[], $9::jsonb[], $10::text[], $11::int[], $12::text[], $13::timestamptz[], $14::bool[], $15::bool[])`,
        values: [
          col((r) => r.deliveryId),
          col((r) => r.attempt),
          col((r) => r.trigger),
          col((r) => r.verdict.outcome),
          col((r) => r.requestUrl),
          col((r) => JSON.stringify(r.requestHeaders)),
          col((r) => r.requestBody),
          col((r) => r.response?.status ?? null),
          col((r) => (r.response ? JSON.stringify(r.response.headers) : null)),
          col((r) => r.response?.body ?? null),
          col((r) => r.durationMs),
          col((r) => r.error),
          col((r) => r.at),
          col((r) => r.requestBodyTruncated),
          col((r) => r.response?.bodyTruncated ?? false),
        ],
      });
      // A delivery cancelled while in flight (its webhook deleted) stays cancelled.
      await tx.query({
        name: 'update-deliveries',
        text: `update deliveries d set
                 status = case when d.status = 'cancelled' then d.status else u.status end,
                 attempts = greatest(d.attempts, u.attempt),
                 next_attempt_at = coalesce(u.next_at, d.next_attempt_at),
                 locked_until = null, locked_by = null, next_trigger = null,
                 last_status_code = u.code, last_error = u.error, last_duration_ms = u.dur, last_attempt_at = u.at,
                 completed_at = case when u.status = 'pending' then null else u.at end
               from unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::int[], $6::text[], $7::int[], $8::timestamptz[])
                 as u(id, status, attempt, next_at, code, error, dur, at)
               where d.id = u.id`,
        values: [
          col((r) => r.deliveryId),
          col((r) => r.status),
          col((r) => r.attempt),
          col((r) => r.nextAttemptAt),
          col((r) => r.response?.status ?? null),
          col((r) => r.error),
          col((r) => r.durationMs),
          col((r) => r.at),
        ],
      });
      return this.updateWebhooks(tx, records);
    });
  }

  /** Failure streaks count deliveries that failed for good; any success resets the streak. */
  private async updateWebhooks(tx: import('pg').PoolClient, records: AttemptRecord[]): Promise<DisabledWebhook[]> {
    const per = new Map<string, { reset: boolean; failed: number; disable: string | null }>();
    for (const r of records) {
      if (r.trigger === 'test') continue; // Send Test does not count towards health
      const s = per.get(r.webhookId) ?? { reset: false, failed: 0, disable: null };
      if (r.status === 'succeeded') Object.assign(s, { reset: true, failed: 0 });
      else if (r.status === 'failed') s.failed++;
      if (r.verdict.outcome === 'disable') s.disable = r.verdict.reason;
      per.set(r.webhookId, s);
    }
    if (per.size === 0) return [];
    const ids = [...per.keys()];
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
      values: [ids, ids.map((i) => per.get(i)!.reset), ids.map((i) => per.get(i)!.failed), ids.map((i) => per.get(i)!.disable), this.disableAfter],
    });
    if (rows.length > 0) {
      // Deliveries still waiting for a disabled webhook fail now (recoverable once it is re-enabled).
      await tx.query(
        `update deliveries set status = 'failed', completed_at = now(), last_error = 'webhook disabled: ' || w.disabled_reason
         from webhooks w where deliveries.webhook_id = w.id and w.id = any($1::uuid[]) and deliveries.status = 'pending'
           and (deliveries.locked_until is null or deliveries.locked_until < now())`,
        [rows.map((r) => r.id)],
      );
      for (const r of rows) this.log.warn({ webhookId: r.id, reason: r.disabled_reason }, 'webhook disabled');
    }
    return rows.map((r) => ({ webhookId: r.id, reason: r.disabled_reason }));
  }
}
