// How a service process (serve, api, worker) lives and ends. It runs until SIGTERM or SIGINT,
// closes its parts in order and exits 0; or something it cannot recover from happens (an uncaught
// exception, a close that does not finish), and it logs why and exits 1, so that a supervisor
// that restarts on failure restarts it. Nothing else ends it: a `worker` has no listening socket,
// and while the database restarts it may hold no connection either (its poll and retry timers are
// unref'd so they never delay a shutdown). With nothing holding it, the event loop ran dry and the
// process ended with code 0 at the first database restart; it holds itself open instead.
import type { Logger } from '../../core/log.js';

/**
 * How long closing may take after SIGTERM: in-flight deliveries get 10 s (Worker.stop), then
 * results are stored and leases given back. Under the 30 s that Kubernetes waits before SIGKILL,
 * so the reason for an unfinished close is logged by us, not lost to a kill.
 */
export const CLOSE_DEADLINE_MS = 25_000;
/** After closing, a process still held open by a stray handle is ended this much later. */
const EXIT_GRACE_MS = 2_000;

export interface Outcome {
  code: number;
  reason: string;
}

/** What the process listens to: `process`, or a stand-in in tests. */
export interface ProcessEvents {
  once(event: string, fn: (...args: any[]) => void): unknown;
  on(event: string, fn: (...args: any[]) => void): unknown;
  off(event: string, fn: (...args: any[]) => void): unknown;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Waits until the process must end, closes, and says with which code and why. A second signal
 * while closing ends at once (code 1): the operator asked twice.
 */
export async function runUntilStopped(close: () => Promise<void>, log: Logger, proc: ProcessEvents = process): Promise<Outcome> {
  // Holds the event loop open; cleared once the process has decided to end.
  const hold = setInterval(() => {}, 1 << 30);
  let settle!: (o: Outcome) => void;
  const stopping = new Promise<Outcome>((resolve) => (settle = resolve));
  const onSignal = (signal: string) => settle({ code: 0, reason: `received ${signal}` });
  const onFatal = (err: unknown) => {
    log.fatal({ err }, `stopping after an error it cannot recover from: ${errorText(err)}`);
    settle({ code: 1, reason: `fatal error: ${errorText(err)}` });
  };
  const signals = ['SIGTERM', 'SIGINT'] as const;
  for (const s of signals) proc.once(s, onSignal);
  proc.on('uncaughtException', onFatal);
  proc.on('unhandledRejection', onFatal);

  const outcome = await stopping;
  for (const s of signals) proc.off(s, onSignal);
  let forced!: (o: Outcome) => void;
  const again = new Promise<Outcome>((resolve) => (forced = resolve));
  const onSecond = (signal: string) => forced({ code: 1, reason: `received ${signal} again while closing; not waiting for the close to finish` });
  for (const s of signals) proc.once(s, onSecond);

  log.info({ reason: outcome.reason }, 'shutting down');
  let deadline: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome>((resolve) => {
    deadline = setTimeout(() => resolve({ code: 1, reason: `closing did not finish within ${CLOSE_DEADLINE_MS} ms` }), CLOSE_DEADLINE_MS);
  });
  const closed = close().then(
    () => outcome,
    (err: unknown) => ({ code: 1, reason: `closing failed: ${errorText(err)}` }),
  );
  const final = await Promise.race([closed, late, again]);
  clearTimeout(deadline);
  clearInterval(hold);
  for (const s of signals) proc.off(s, onSecond);
  proc.off('uncaughtException', onFatal);
  proc.off('unhandledRejection', onFatal);
  if (final.code !== 0) log.error({ reason: final.reason }, `exiting with code ${final.code}: ${final.reason}`);
  // Not ref'd: a process whose parts all closed ends by itself, at once.
  if (proc === process) setTimeout(() => process.exit(final.code), EXIT_GRACE_MS).unref();
  return final;
}
