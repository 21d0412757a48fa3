// Pacing per destination: the worker sends to one destination (a webhook URL, a Slack channel, a
// Google Chat space, a PagerDuty routing key: Transformer.destination) at most the target's
// declared rate (Transformer.rate), so a burst gets no 429, and a 429 or a vendor's "bucket empty"
// pauses only that destination. In memory, per worker process: two workers pace on their own.
//
// A send is counted from when it *ended* (its answer, or its error), not from when it began: the
// vendor saw the request before then, so `requests` ends plus `perMs` is always later than the
// vendor's own window, whatever the network's delay. A send still out counts as not ended.
import type { SendRate } from '../transformers/types.js';

/** A send's place in its destination's rate: end it once the answer (or error) is in. */
export interface Slot {
  /** The send ended; `pauseMs`: the vendor asks that nothing more go to this destination for that long. */
  done(pauseMs?: number): void;
}

/** A slot now, or the time (performance.now) before which none is free for this wait. */
export type Turn = { slot: Slot } | { until: number };

interface Waiter {
  /** The latest start the waiter can use (its lease must still cover an attempt). */
  latest: number;
  resolve(turn: Turn): void;
}

interface Lane {
  rate: SendRate;
  /** Ends of the latest sends, ascending, at most rate.requests; Infinity for those still out. */
  ends: number[];
  pausedUntil: number;
  waiters: Waiter[];
  timer?: NodeJS.Timeout;
}

export class Pacer {
  private lanes = new Map<string, Lane>();

  constructor(private now: () => number = () => performance.now()) {}

  /**
   * Waits for a slot to send to `destination` at `rate`, in turn with the others waiting for it.
   * When none is free by `latest`, answers at once with when one may be (`until`): the caller
   * leaves the send for then rather than send late.
   */
  take(destination: string, rate: SendRate, latest: number): Promise<Turn> {
    let lane = this.lanes.get(destination);
    if (!lane) {
      lane = { rate, ends: [], pausedUntil: -Infinity, waiters: [] };
      this.lanes.set(destination, lane);
    }
    lane.rate = rate;
    const turn = new Promise<Turn>((resolve) => lane.waiters.push({ latest, resolve }));
    this.pump(destination, lane);
    return turn;
  }

  /** Destinations with a send out, waiting, or still inside their window (for tests and metrics). */
  get size(): number {
    return this.lanes.size;
  }

  /** Answers every waiter now (`until` now): at stop, their leases are given back. */
  drain(): void {
    const now = this.now();
    for (const lane of this.lanes.values()) {
      clearTimeout(lane.timer);
      for (const w of lane.waiters.splice(0)) w.resolve({ until: now });
    }
  }

  /** When the next send to the lane may start: Infinity while it waits for a send still out. */
  private nextAt(lane: Lane): number {
    const { requests, perMs } = lane.rate;
    const last = lane.ends.length < requests ? -Infinity : lane.ends[lane.ends.length - requests] + perMs;
    return Math.max(last, lane.pausedUntil);
  }

  private pump(destination: string, lane: Lane): void {
    clearTimeout(lane.timer);
    lane.timer = undefined;
    const now = this.now();
    while (lane.waiters.length > 0) {
      const head = lane.waiters[0];
      const at = this.nextAt(lane);
      if (at <= now) {
        lane.waiters.shift();
        head.resolve({ slot: this.open(destination, lane) });
        continue;
      }
      if (at > head.latest) {
        // No slot in time. A send still out ends at its latest within its timeout, unknown here:
        // wait for it until `latest`, then leave this one for a window later.
        if (at !== Infinity || now >= head.latest) {
          lane.waiters.shift();
          head.resolve({ until: at !== Infinity ? at : now + lane.rate.perMs });
          continue;
        }
        lane.timer = setTimeout(() => this.pump(destination, lane), head.latest - now + 1);
        return;
      }
      // A send still out: its end pumps again. Otherwise wake when the slot opens.
      if (at !== Infinity) lane.timer = setTimeout(() => this.pump(destination, lane), at - now);
      return;
    }
    // Idle: forgotten once nothing in it counts any more (its window and any pause are over).
    const quietAt = Math.max(lane.ends.at(-1) ?? -Infinity, lane.pausedUntil) + lane.rate.perMs;
    if (quietAt === Infinity) return; // a send is out: its end comes back here
    if (quietAt <= now) this.lanes.delete(destination);
    else {
      lane.timer = setTimeout(() => this.pump(destination, lane), quietAt - now);
      lane.timer.unref();
    }
  }

  private open(destination: string, lane: Lane): Slot {
    lane.ends.push(Infinity);
    let ended = false;
    return {
      done: (pauseMs) => {
        if (ended) return;
        ended = true;
        const end = this.now();
        lane.ends.splice(lane.ends.indexOf(Infinity), 1);
        const at = lane.ends.findIndex((e) => e > end);
        lane.ends.splice(at === -1 ? lane.ends.length : at, 0, end);
        while (lane.ends.length > lane.rate.requests) lane.ends.shift();
        if (pauseMs !== undefined && pauseMs > 0) lane.pausedUntil = Math.max(lane.pausedUntil, end + pauseMs);
        this.pump(destination, lane);
      },
    };
  }
}
