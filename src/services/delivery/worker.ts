// The delivery worker: claims due deliveries in batches, sends them with bounded concurrency
// (per process and per webhook, so one slow endpoint cannot hold up the others) and paced per
// destination to the target's rate (pacer.ts), and hands the results to the batched writer.
// Woken in-process, by LISTEN/NOTIFY on PostgreSQL, and by a poll.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import PQueue from 'p-queue';
import type { AppContext } from '../../core/context.js';
import type { AttemptDeps, AttemptJob, AttemptRecord } from './attempt.js';
import { runAttempt } from './attempt.js';
import { claimDue, closeUndeliverable, listenForDeliveries, postponeLeases, releaseLeases, releaseLeaseToken, type ClaimedRow, type HandedDelivery, type HookCaps, type Lease, type LeasePlan } from '../../store/deliveries/index.js';
import type { Sender } from './http.js';
import type { ResultWriter } from './results.js';
import { WebhookCache, type CachedWebhook } from './webhook-cache.js';
import type { Metrics } from './metrics.js';
import { DatabaseUnavailableError } from '../../core/unavailable.js';
import type { LocalWorker } from '../ingest/handoff.js';
import { Pacer, type Slot } from './pacer.js';
import { messageSent, takeGrouped } from '../grouping/grouper.js';

/** Claimed rows a webhook may have waiting in memory, as a multiple of its concurrency. */
const BUFFER_PER_SLOT = 4;
const CLAIM_BATCH = 500;
/**
 * After a claim that found less than it asked for, the next one waits CLAIM_GAP_MS: wakes come
 * with every ingest statement that left rows unleased, and claiming again at once would only
 * scan past the same rows.
 */
const CLAIM_GAP_MS = 10;
/** The same after a short claim that skipped webhooks: its window is all theirs, most likely. */
const SKIP_GAP_MS = 50;
/**
 * A claim that skips webhooks at their share looks only at the SKIP_WINDOW oldest due rows:
 * otherwise it scans past every due row of theirs (a whole backlog, when one is alone in the
 * queue: 130 ms on a million rows) to find the others'. So that rows behind a larger backlog are
 * not left waiting, a claim that scans it all runs too, at most every FULL_SKIP_EVERY_MS (or five
 * times its own time, if that is longer).
 */
const SKIP_WINDOW = 1_000;
const FULL_SKIP_EVERY_MS = 1_000;

/** The lease a claimed (or handed) row is held under: what every write after it goes through. */
const leaseOf = (row: ClaimedRow | HandedDelivery): Lease => ({ id: row.id, part_at: row.part_at, locked_by: row.locked_by });

/** The attempt a claimed row's lease sends. */
export function jobOf(row: ClaimedRow): AttemptJob {
  return {
    deliveryId: row.id,
    lease: leaseOf(row),
    eventId: row.external_id,
    eventType: row.event_type,
    payload: row.payload,
    attempt: row.attempt,
    attemptLimit: row.attempt_limit,
    trigger: row.next_trigger === 'redeliver' ? 'redeliver' : 'auto',
    // A Send Test's delivery sent again (redeliver, recover) is still a test on the target.
    test: row.is_test,
    trace: row.trace_parent ? { parent: row.trace_parent, state: row.trace_state } : null,
  };
}

export class Worker implements LocalWorker {
  readonly id = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private queues = new Map<string, PQueue>();
  /** Sends per destination at the target's rate; a 429 pauses only its destination. */
  readonly pacer = new Pacer();
  private held = new Map<string, Lease>(); // delivery id -> its lease, claimed and not yet finished
  /** Numbers the leases of this worker's claims and hand-offs: each one's token is `${id}/${n}`. */
  private leases = 0;
  /** Slots promised to ingest statements still in flight (see plan()). */
  private reserved = 0;
  /** The last claim may have left due rows behind (no room, or webhooks skipped): look again when a slot frees. */
  private backlog = true;
  private pumping = false;
  /** When the next claim may run after a short one, and the next full claim that skips webhooks. */
  private nextClaimAt = -Infinity;
  private nextFullSkipAt = -Infinity;
  private gapTimer: NodeJS.Timeout | undefined;
  private again = false;
  private stopped = false;
  private poll: NodeJS.Timeout | undefined;
  private listener: { close(): Promise<void> } | undefined;

  constructor(
    private ctx: AppContext,
    private sender: Sender,
    private writer: ResultWriter,
    private deps: AttemptDeps,
    private cache: WebhookCache,
    private metrics?: Metrics,
  ) {}

  async start(): Promise<void> {
    if (this.ctx.db.kind === 'postgres') await this.listen();
    this.poll = setInterval(() => this.wake(), this.ctx.config.FORJINN_POLL_INTERVAL_MS);
    this.poll.unref();
    this.wake();
  }

  private async listen() {
    const listener = await listenForDeliveries(this.ctx.db, {
      onNotify: () => this.wake(),
      onLost: (err) => {
        if (this.listener !== listener) return;
        this.ctx.log.warn({ err }, 'LISTEN connection lost; polling until it is back');
        this.listener = undefined;
        void listener.close();
        this.relisten();
      },
    });
    if (this.stopped) return void (await listener.close());
    this.listener = listener;
    this.wake(); // notifications sent while it was away are lost: look once
  }

  /** Tries LISTEN again every second until the database answers (a restart can take a while). */
  private relisten() {
    if (this.stopped) return;
    setTimeout(() => void this.listen().catch(() => this.relisten()), 1_000).unref();
  }

  wake = (): void => {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    const wait = this.nextClaimAt - performance.now();
    if (wait > 0) {
      this.gapTimer ??= setTimeout(() => {
        this.gapTimer = undefined;
        this.wake();
      }, wait);
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.again && !this.stopped) {
        this.again = false;
        this.wake();
      }
    });
  };

  /** Webhooks that hold their share already: claims skip them, so a slow one cannot take every slot. */
  private saturated(caps: HookCaps = this.hookCaps()): string[] {
    return caps.hooks.filter((_, i) => caps.caps[i] === 0);
  }

  /** Slots neither held nor promised to an ingest statement in flight. */
  private room(): number {
    return this.ctx.config.FORJINN_CONCURRENCY - this.held.size - this.reserved;
  }

  private async pump(): Promise<void> {
    const { config } = this.ctx;
    while (!this.stopped) {
      const room = this.room();
      if (room <= 0) return void (this.backlog = true);
      const want = Math.min(room, CLAIM_BATCH);
      let rows: ClaimedRow[];
      let leaseEnd: number;
      let token: string | undefined;
      try {
        const caps = this.hookCaps();
        const skip = this.saturated(caps);
        const started = performance.now();
        leaseEnd = started + config.FORJINN_LEASE_MS; // the lease starts after this, so ends after it too
        const full = skip.length === 0 || started >= this.nextFullSkipAt;
        token = this.newLease();
        rows = await claimDue(this.ctx.db.pool, want, config.FORJINN_LEASE_MS, skip, token, { window: full ? undefined : SKIP_WINDOW, caps });
        token = undefined;
        this.backlog = rows.length === want || skip.length > 0;
        const now = performance.now();
        if (rows.length < want) this.nextClaimAt = now + (skip.length > 0 ? SKIP_GAP_MS : CLAIM_GAP_MS);
        if (skip.length > 0 && full) this.nextFullSkipAt = now + Math.max(FULL_SKIP_EVERY_MS, 5 * (now - started));
        if (rows.length === 0) return;
        const dead = rows.filter((r) => r.webhook_deleted || !r.webhook_enabled);
        if (dead.length) await closeUndeliverable(this.ctx.db.pool, dead);
        rows = rows.filter((r) => !r.webhook_deleted && r.webhook_enabled);
        await this.cache.ensure(this.ctx.db.pool, new Map(rows.map((r) => [r.webhook_id, r.webhook_updated_at])));
      } catch (err) {
        // A claim that failed here may still have committed (a timeout, a lost connection): its
        // rows would sit leased to nobody for a whole lease. They are given back by their token.
        if (token !== undefined) this.giveBack(token);
        // While the database's gate is closed its own warning says so once; not again every poll.
        if (!this.stopped && !(err instanceof DatabaseUnavailableError)) this.ctx.log.error({ err }, 'claiming deliveries failed; will retry');
        return;
      }
      for (const row of rows) this.dispatch(row, leaseEnd);
      // Rows left for webhooks now at their cap: look again when one of their slots frees.
      if (this.saturated().length > 0) this.backlog = true;
      if (rows.length < want) return;
    }
  }

  /** How many more rows each webhook may take (see hookLimit), for claims and hand-offs. */
  private hookCaps(): HookCaps {
    const hooks: string[] = [];
    const caps: number[] = [];
    for (const [id, q] of this.queues) {
      hooks.push(id);
      caps.push(Math.max(0, this.hookLimit(this.cache.get(id)?.concurrency) - q.size - q.pending));
    }
    return { hooks, caps, defaultCap: this.hookLimit(undefined) };
  }

  plan(events: number): LeasePlan | null {
    if (this.stopped) return null;
    // One row per event: statements in flight at once each get a share, and a fan-out's other
    // deliveries go the claim's way.
    const limit = Math.min(this.room(), events, CLAIM_BATCH);
    if (limit <= 0) return null;
    this.reserved += limit;
    return { lease: this.newLease(), leaseMs: this.ctx.config.FORJINN_LEASE_MS, limit, ...this.hookCaps() };
  }

  release(plan: LeasePlan): void {
    this.reserved -= plan.limit;
  }

  /** A token for one claim's or one hand-off's lease: unique, so a late result of an earlier lease never matches. */
  private newLease(): string {
    return `${this.id}/${++this.leases}`;
  }

  /** Gives back, in the background, whatever a failed claim may have leased (retried while the database is away). */
  private giveBack(token: string, tries = 0): void {
    releaseLeaseToken(this.ctx.db.pool, token).catch(() => {
      if (tries < 30 && !this.stopped) setTimeout(() => this.giveBack(token, tries + 1), 1_000).unref();
    });
  }

  adopt(rows: HandedDelivery[]): void {
    if (rows.length === 0) return;
    for (const r of rows) this.held.set(r.id, leaseOf(r));
    // New deliveries of live webhooks (the statement matched enabled ones), first attempts, no test.
    const claimed: ClaimedRow[] = rows.map((r) => ({ ...r, next_trigger: null, is_test: false, webhook_enabled: true, webhook_deleted: false }));
    // Leased by the ingest statement that just returned: a few ms ago, which LEASE_MARGIN_MS covers.
    const leaseEnd = performance.now() + this.ctx.config.FORJINN_LEASE_MS;
    void this.cache
      .ensure(this.ctx.db.pool, new Map(rows.map((r) => [r.webhook_id, r.webhook_updated_at])))
      .then(() => {
        for (const row of claimed) this.dispatch(row, leaseEnd);
      })
      .catch((err) => {
        for (const r of rows) this.held.delete(r.id);
        this.ctx.log.error({ err }, 'loading webhooks for new deliveries failed; their lease will run out and a claim will take them');
      });
  }

  /** Rows one webhook may have in this worker: its concurrency times BUFFER_PER_SLOT, at most half the slots. */
  private hookLimit(concurrency: number | undefined): number {
    const share = Math.max(1, Math.floor(this.ctx.config.FORJINN_CONCURRENCY / 2));
    return Math.min((concurrency ?? this.ctx.config.FORJINN_ENDPOINT_CONCURRENCY) * BUFFER_PER_SLOT, share);
  }

  private dispatch(row: ClaimedRow, leaseEnd: number) {
    const hook = this.cache.get(row.webhook_id);
    if (!hook || this.stopped) {
      // Deleted between claim and load (the claim closes it once the lease runs out), or stopping (stop() gives it back).
      if (!hook) this.held.delete(row.id);
      return;
    }
    this.held.set(row.id, leaseOf(row));
    let q = this.queues.get(row.webhook_id);
    if (!q) {
      q = new PQueue({ concurrency: hook.concurrency });
      this.queues.set(row.webhook_id, q);
      q.on('idle', () => {
        if (q!.size === 0 && q!.pending === 0) this.queues.delete(row.webhook_id);
      });
    }
    void q.add(() => this.deliver(row, hook, leaseEnd));
  }

  private async deliver(row: ClaimedRow, hook: CachedWebhook, leaseEnd: number) {
    if (this.stopped) return; // still held: stop() gives its lease back
    // A row that waited in its webhook's queue until its lease can no longer cover a whole attempt
    // is not sent: the lease would run out mid-request and a claim (here or in another worker)
    // would send it again beside this one. Once the lease has run out, a claim takes it afresh.
    const timeout = this.ctx.config.FORJINN_DELIVERY_TIMEOUT_MS;
    const left = leaseEnd - performance.now();
    if (left < timeout) {
      this.held.delete(row.id);
      this.leaseTooShort(left);
      // Not sent: given back at once, with its attempt number, for the next claim.
      void releaseLeases(this.ctx.db.pool, [row]).catch(() => {});
      return;
    }
    // Grouped chat alerts (services/grouping): the delivery is held as its group's carrier, stored
    // as grouped, or sent as the group's message.
    let job = jobOf(row);
    if (hook.group && !row.is_test) {
      const grouped = await this.group(row, hook);
      if (!grouped) return;
      job = { ...job, payload: grouped.payload, group: grouped.group };
    }
    const rate = hook.transformer.rate ?? null;
    let slot: Slot | undefined;
    if (rate) {
      // Its turn at the destination's rate, while the lease still covers an attempt after it.
      const latest = leaseEnd - timeout;
      const turn = await this.pacer.take(hook.transformer.destination?.(hook.config, hook.webhook.url) ?? hook.webhook.url, rate, latest);
      if (this.stopped) return void ('slot' in turn && turn.slot.done()); // still held: stop() gives its lease back
      if ('until' in turn || performance.now() > latest) {
        if ('slot' in turn) turn.slot.done();
        // No slot within the lease: left for when there is one, not sent late under a lease about to end.
        const until = 'until' in turn ? turn.until : performance.now() + rate.perMs;
        this.held.delete(row.id);
        void postponeLeases(this.ctx.db.pool, [row], new Date(Date.now() + Math.max(0, until - performance.now()))).catch(() => {});
        if (this.backlog) this.wake();
        return;
      }
      slot = turn.slot;
    }
    let record: AttemptRecord | undefined;
    try {
      record = await runAttempt(this.deps, hook, job);
      this.metrics?.observe(record, hook.transformer.name);
      // Awaited: the group's next message must find the id of the one to edit.
      if (job.group && record.status === 'succeeded' && record.response && (await messageSent(this.ctx.db, hook.transformer, hook.config, job.group, record.response, job.lease))) this.wake();
      const stored = record;
      // Not awaited: the next delivery need not wait for this one's row to be written. A retry
      // that is due at once can be claimed as soon as its row is stored.
      void this.writer
        .add(stored)
        .then(() => stored.status === 'pending' && stored.nextAttemptAt !== null && stored.nextAttemptAt.getTime() <= Date.now() && this.wake())
        .catch((err) => this.ctx.log.error({ err, deliveryId: row.id }, 'attempt result not stored; the lease will expire and it will be retried'));
    } catch (err) {
      this.ctx.log.error({ err, deliveryId: row.id }, 'delivery crashed; the lease will expire and it will be retried');
    } finally {
      slot?.done(record && rate ? pauseAsked(record, hook, rate.perMs) : undefined);
      this.held.delete(row.id);
      if (this.backlog) this.wake();
    }
  }

  /** A grouped webhook's delivery: the group's message to send now, or undefined when there is nothing to send (held, grouped, or the lease lost). */
  private async group(row: ClaimedRow, hook: CachedWebhook) {
    let decision;
    try {
      decision = await takeGrouped(this.ctx.db, row.webhook_id, hook.group!, { lease: leaseOf(row), payload: row.payload });
    } catch (err) {
      this.held.delete(row.id);
      if (!this.stopped) this.ctx.log.error({ err, deliveryId: row.id }, 'grouping a delivery failed; the lease will expire and it will be taken again');
      return undefined;
    }
    if (decision.more) this.wake(); // a resolved group's message, due now
    if (decision.kind === 'send') return decision;
    this.held.delete(row.id);
    if (this.backlog) this.wake();
    return undefined;
  }

  private lastLeaseWarning = -Infinity;

  /** Said at most once a minute: the deliveries still go out, later, once their leases run out. */
  private leaseTooShort(left: number) {
    const now = performance.now();
    if (now - this.lastLeaseWarning < 60_000) return;
    this.lastLeaseWarning = now;
    this.ctx.log.warn(
      { leftMs: Math.round(left), leaseMs: this.ctx.config.FORJINN_LEASE_MS, timeoutMs: this.ctx.config.FORJINN_DELIVERY_TIMEOUT_MS },
      'deliveries waited in their webhook queue until their lease could not cover an attempt; they are sent after the lease runs out (raise FORJINN_LEASE_MS)',
    );
  }

  /** Stops claiming, lets in-flight requests finish (bounded), stores their results, gives back the rest. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.gapTimer);
    const idle = Promise.all([...this.queues.values()].map((q) => q.onIdle()));
    for (const q of this.queues.values()) q.clear();
    this.pacer.drain(); // those waiting for their turn are given back with the rest
    await Promise.race([idle, new Promise((r) => setTimeout(r, graceMs).unref())]);
    await this.writer.flush();
    await releaseLeases(this.ctx.db.pool, [...this.held.values()]).catch(() => {});
    await this.listener?.close();
    await this.sender.close();
  }
}

/**
 * How long an attempt's answer asks its destination to stay quiet: a 429's wait (Retry-After, or
 * the body's, e.g. Discord's retry_after; without one, a window of the rate), or the target's
 * reading of any answer (Discord's empty bucket), whichever is longer.
 */
function pauseAsked(record: AttemptRecord, hook: CachedWebhook, windowMs: number): number | undefined {
  const answer = record.response;
  if (!answer) return undefined;
  const asked = hook.transformer.answers.pause?.({ status: answer.status, headers: answer.headers, body: answer.body }) ?? 0;
  if (answer.status !== 429) return asked;
  const retryAfter = record.verdict.outcome === 'retry' ? record.verdict.retryAfterMs : undefined;
  return Math.max(asked, retryAfter ?? windowMs);
}
