// Finished attempts are written in batches: one transaction stores every attempt row, moves
// each delivery to its next state and keeps the webhooks' failure streaks. A batch closes after
// BATCH_MAX records or BATCH_WAIT_MS, whichever comes first; callers may await their record.
import type { Database, Queryable } from '../../store/database.js';
import { withTransaction } from '../../store/database.js';
import type { Logger } from '../../core/log.js';
import { insertAttempts } from '../../store/attempts.js';
import { failPendingOfDisabled, recordResults } from '../../store/deliveries/index.js';
import { updateWebhookHealth } from '../../store/webhooks.js';
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
  /** `records` moved their deliveries on; `stale` came after their lease was taken over (fenced, stored as late). */
  onFlushed?(records: AttemptRecord[], disabled: DisabledWebhook[], stale: AttemptRecord[]): void;
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
            const { live, stale, disabled } = await this.write(batch.map((b) => b.record));
            batch.forEach((b) => b.done());
            this.hooks.onFlushed?.(live, disabled, stale);
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

  /**
   * Moves each delivery on through its lease, stores every attempt (a stale one, whose lease was
   * taken over, marked late: it changed nothing) and keeps the failure streaks of the live ones.
   */
  private async write(records: AttemptRecord[]): Promise<{ live: AttemptRecord[]; stale: AttemptRecord[]; disabled: DisabledWebhook[] }> {
    return withTransaction(this.db, async (tx) => {
      const fenced = await recordResults(tx, records);
      await insertAttempts(tx, records.map((r, i) => ({ ...r, late: fenced[i] })));
      const live = records.filter((_, i) => !fenced[i]);
      const stale = records.filter((_, i) => fenced[i]);
      return { live, stale, disabled: await this.updateWebhooks(tx, live) };
    });
  }

  /** Failure streaks count deliveries that failed for good; any success resets the streak. */
  private async updateWebhooks(tx: Queryable, records: AttemptRecord[]): Promise<DisabledWebhook[]> {
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
    const rows = await updateWebhookHealth(
      tx,
      { ids, reset: ids.map((i) => per.get(i)!.reset), failed: ids.map((i) => per.get(i)!.failed), disable: ids.map((i) => per.get(i)!.disable) },
      this.disableAfter,
    );
    if (rows.length > 0) {
      // Deliveries still waiting for a disabled webhook fail now (recoverable once it is re-enabled).
      await failPendingOfDisabled(tx, rows.map((r) => r.id));
      for (const r of rows) this.log.warn({ webhookId: r.id, reason: r.disabled_reason }, 'webhook disabled');
    }
    return rows.map((r) => ({ webhookId: r.id, reason: r.disabled_reason }));
  }
}
