// prune: one removal of finished history older than FORJINN_RETENTION, now, for cron users. The
// same removal serve and worker run on their own (store/retention.ts); safe beside them: one
// process prunes at a time, and a run that finds another one at it says so and exits 0.
import { parseRetention } from '../../core/config.js';
import type { PruneResult } from '../../store/retention.js';
import { describePeriod, formatPeriod } from '../../services/retention-window.js';
import { CliError, parse } from './args.js';
import type { Command } from './command.js';
import { withContext } from './with-context.js';

const USAGE = 'forjinn-webhooks prune [--retention <duration>]';

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
/** 2026-11-03 16:00:00 UTC */
const utc = (d: Date) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** One or two lines: what went, what stayed and why. */
function report(r: PruneResult, before: string): string {
  const removed = [
    r.droppedPartitions && `${plural(r.droppedPartitions, 'partition')} of events, deliveries and attempts dropped`,
    r.deletedDefaultRows && `${plural(r.deletedDefaultRows, 'row')} deleted outside the partitions`,
    r.removedKeys && `${plural(r.removedKeys, 'idempotency key')} removed`,
  ].filter(Boolean);
  const kept = r.movedPending ? ` ${plural(r.movedPending, 'delivery', 'deliveries')} still retrying kept, with ${r.movedPending === 1 ? 'its event' : 'their events'}.` : '';
  const skipped = r.skippedPartitions
    ? `\n${plural(r.skippedPartitions, 'old partition')} busy (lock not got within 500 ms): the next prune drops ${r.skippedPartitions === 1 ? 'it' : 'them'}.`
    : '';
  if (!removed.length) return `Nothing to remove: no finished history ${before}.${kept}${skipped}`;
  return `Removed finished history ${before}: ${removed.join(', ')}.${kept}${skipped}`;
}

export const pruneCommands: Command[] = [
  {
    name: 'prune',
    summary: 'Remove finished history older than FORJINN_RETENTION now (serve and worker also do it on their own)',
    usage:
      `${USAGE}\n\n` +
      'Removes the events, deliveries and attempts whose delivery is final and older than FORJINN_RETENTION\n' +
      '(default 30d; 0 keeps everything), and the idempotency keys older than it. A delivery still retrying is\n' +
      'kept, whatever its age, with its event. Safe while serve or workers run: one process prunes at a time.\n' +
      '  --retention <duration>  this run only, instead of FORJINN_RETENTION (e.g. 7d, 12h, 30m; 0: nothing)',
    async run(args) {
      const { values } = parse(args, { retention: { type: 'string' } }, USAGE);
      let override: number | undefined;
      if (values.retention !== undefined) {
        try {
          override = parseRetention(values.retention);
        } catch (e) {
          throw new CliError(`--retention: ${(e as Error).message}\n\nusage: ${USAGE}`);
        }
      }
      const text = await withContext(async (ctx) => {
        const retentionMs = override ?? ctx.config.FORJINN_RETENTION;
        const setting = override === undefined ? 'FORJINN_RETENTION' : '--retention';
        if (!retentionMs) return `${setting}=0: history is kept forever; nothing removed.`;
        const now = new Date();
        const before = `before ${utc(new Date(now.getTime() - retentionMs))} (older than ${describePeriod(formatPeriod(retentionMs))})`;
        // Loaded on use: --help and usage errors need none of the store.
        const { prune } = await import('../../store/retention.js');
        const result = await prune(ctx.db, { retentionMs, now });
        if (!result) return 'Another process is pruning this database right now; nothing done here (it removes the same history).';
        return report(result, before);
      });
      process.stdout.write(`${text}\n`);
      return 0;
    },
  },
];
