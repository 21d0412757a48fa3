// How a service process ends: 0 after SIGTERM and a clean close; 1, with the reason logged, when
// it cannot go on (an uncaught error, a close that fails or does not finish, a second signal).
// The process is a stand-in EventEmitter; time is jest's.
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { CLOSE_DEADLINE_MS, runUntilStopped } from '../../../src/doors/cli/until-stopped.js';
import { createLogger } from '../../../src/core/log.js';

let lines: Array<{ level: number; msg: string; reason?: string }>;
const log = () => {
  lines = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return createLogger('info', sink);
};

describe('runUntilStopped', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('holds the process open until SIGTERM, then closes and answers 0', async () => {
    const proc = new EventEmitter();
    const close = jest.fn(async () => {});
    let done = false;
    const run = runUntilStopped(close, log(), proc).finally(() => (done = true));
    await jest.advanceTimersByTimeAsync(24 * 3_600_000); // a day with nothing else going on
    expect(done).toBe(false);
    expect(jest.getTimerCount()).toBeGreaterThan(0); // the hold: the event loop cannot run dry
    proc.emit('SIGTERM', 'SIGTERM');
    expect(await run).toEqual({ code: 0, reason: 'received SIGTERM' });
    expect(close).toHaveBeenCalledTimes(1);
    expect(jest.getTimerCount()).toBe(0); // and lets go once closed
  });

  test('an uncaught error: the reason is logged as fatal, it closes and answers 1', async () => {
    const proc = new EventEmitter();
    const close = jest.fn(async () => {});
    const run = runUntilStopped(close, log(), proc);
    proc.emit('uncaughtException', new Error('disk on fire'));
    expect(await run).toEqual({ code: 1, reason: 'fatal error: disk on fire' });
    expect(close).toHaveBeenCalledTimes(1);
    expect(lines.find((l) => l.level === 60)?.msg).toMatch(/cannot recover from: disk on fire/);
    expect(lines.at(-1)).toMatchObject({ level: 50, msg: 'exiting with code 1: fatal error: disk on fire' });
  });

  test('an unhandled rejection counts the same', async () => {
    const proc = new EventEmitter();
    const run = runUntilStopped(async () => {}, log(), proc);
    proc.emit('unhandledRejection', new Error('lost promise'));
    expect((await run).code).toBe(1);
  });

  test('a close that fails answers 1 and says why', async () => {
    const proc = new EventEmitter();
    const run = runUntilStopped(async () => Promise.reject(new Error('flush failed')), log(), proc);
    proc.emit('SIGTERM', 'SIGTERM');
    expect(await run).toEqual({ code: 1, reason: 'closing failed: flush failed' });
  });

  test('a close that never finishes is given up after CLOSE_DEADLINE_MS (1)', async () => {
    const proc = new EventEmitter();
    const run = runUntilStopped(() => new Promise(() => {}), log(), proc);
    proc.emit('SIGINT', 'SIGINT');
    let outcome: unknown;
    void run.then((o) => (outcome = o));
    await jest.advanceTimersByTimeAsync(CLOSE_DEADLINE_MS - 1);
    expect(outcome).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(outcome).toEqual({ code: 1, reason: `closing did not finish within ${CLOSE_DEADLINE_MS} ms` });
  });

  test('a second signal while closing ends at once (1)', async () => {
    const proc = new EventEmitter();
    const run = runUntilStopped(() => new Promise(() => {}), log(), proc);
    proc.emit('SIGTERM', 'SIGTERM');
    await jest.advanceTimersByTimeAsync(10);
    proc.emit('SIGINT', 'SIGINT');
    expect((await run).code).toBe(1);
    expect(proc.listenerCount('SIGTERM') + proc.listenerCount('SIGINT') + proc.listenerCount('uncaughtException')).toBe(0);
  });
});
