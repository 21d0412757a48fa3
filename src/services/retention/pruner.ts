// Pruning on its own in serve and worker (FORJINN_RETENTION): a timer runs store/retention.ts
// prune at start and then every half partition (at most an hour). Several processes sharing a
// database take turns (an advisory lock: the others skip that run). One info line per run that
// removed anything, with counts only. Unref'd: it never keeps a process alive; stop() waits for
// a run under way.
import type { AppContext } from '../../core/context.js';
import { prune, pruneInterval, type PruneResult } from '../../store/retention.js';

export interface Pruner {
  stop(): Promise<void>;
}

export function startPruner(ctx: Pick<AppContext, 'db' | 'config' | 'log'>, opts: { now?: () => Date } = {}): Pruner {
  const retentionMs = ctx.config.FORJINN_RETENTION;
  const log = ctx.log.child({ component: 'retention' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const run = async () => {
    try {
      const result = await prune(ctx.db, { retentionMs, now: opts.now?.() });
      if (result && removedAny(result)) log.info({ ...result, retention: retentionMs }, 'pruned finished history older than FORJINN_RETENTION');
      if (result?.skippedPartitions) log.warn({ skipped: result.skippedPartitions }, 'old partitions busy; dropped on the next run');
    } catch (err) {
      log.warn({ err }, 'pruning failed; tried again on the next run');
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = run().finally(() => {
        running = undefined;
        schedule(pruneInterval(retentionMs));
      });
    }, ms);
    timer.unref();
  };
  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function removedAny(r: PruneResult): boolean {
  return r.droppedPartitions > 0 || r.removedKeys > 0 || r.deletedDefaultRows > 0;
}
