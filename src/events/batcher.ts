// Group commit for ingest: events that arrive while earlier statements are in flight are written
// together in one statement (one commit, one WAL flush) instead of one each. A lone request is
// written at once, so nothing waits when the service is quiet; every caller still hears back
// only after its own event is committed.
import type { AppContext } from '../context.js';
import { insertEvents, type EventOutcome, type PreparedEvent } from './ingest.js';

/** Statements in flight at once; leaves the rest of the pool to the API and the worker. */
const MAX_IN_FLIGHT = 4;
/** Events per statement: large batches amortise the commit, small ones keep the statement quick. */
const MAX_BATCH = 500;

interface Item {
  ev: PreparedEvent;
  done: (o: EventOutcome) => void;
  fail: (e: unknown) => void;
}

export class IngestBatcher {
  private queues = new Map<string, Item[]>();
  private inFlight = 0;

  constructor(private ctx: AppContext) {}

  add(workspaceId: string, ev: PreparedEvent): Promise<EventOutcome> {
    return new Promise((done, fail) => {
      const q = this.queues.get(workspaceId) ?? [];
      q.push({ ev, done, fail });
      this.queues.set(workspaceId, q);
      this.kick();
    });
  }

  private kick() {
    while (this.inFlight < MAX_IN_FLIGHT && this.queues.size > 0) {
      const [workspaceId, q] = this.queues.entries().next().value as [string, Item[]];
      const batch = q.splice(0, MAX_BATCH);
      if (q.length === 0) this.queues.delete(workspaceId);
      this.inFlight++;
      void this.write(workspaceId, batch).finally(() => {
        this.inFlight--;
        this.kick();
      });
    }
  }

  private async write(workspaceId: string, batch: Item[]) {
    try {
      const out = await insertEvents(this.ctx, workspaceId, batch.map((b) => b.ev));
      batch.forEach((b, i) => b.done(out[i]));
    } catch (err) {
      // One bad statement must not fail its neighbours: retry each alone so only the culprit fails.
      if (batch.length === 1) return batch[0].fail(err);
      for (const b of batch) await this.write(workspaceId, [b]);
    }
  }
}

const batchers = new WeakMap<AppContext, IngestBatcher>();

export function batcherFor(ctx: AppContext): IngestBatcher {
  let b = batchers.get(ctx);
  if (!b) batchers.set(ctx, (b = new IngestBatcher(ctx)));
  return b;
}
