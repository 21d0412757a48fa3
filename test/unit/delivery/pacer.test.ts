// The pacer on a controlled clock (jest's fake timers): each destination at most its rate, counted
// from when each send ended; a pause holds only its destination; a wait past `latest` is answered
// with when a slot will be free instead of a late slot.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { Pacer, type Slot, type Turn } from '../../../src/services/delivery/pacer.js';
import type { SendRate } from '../../../src/services/transformers/types.js';

const ONE_PER_SECOND: SendRate = { requests: 1, perMs: 1_000, per: 'webhook URL', doc: 'https://example.com/limits' };
const FIVE_PER_TWO: SendRate = { requests: 5, perMs: 2_000, per: 'webhook URL', doc: 'https://example.com/limits' };
const NEVER = Infinity;

let pacer: Pacer;
beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
  pacer = new Pacer(() => Date.now());
});
afterEach(() => {
  jest.useRealTimers();
});

/** Takes a slot and records when it was given (the fake clock), ending the send at once. */
async function sendAll(destination: string, rate: SendRate, n: number, log: Array<[string, number]>) {
  const sends = Array.from({ length: n }, () =>
    pacer.take(destination, rate, NEVER).then((turn) => {
      log.push([destination, Date.now()]);
      (turn as { slot: Slot }).slot.done();
    }),
  );
  await jest.advanceTimersByTimeAsync(60_000);
  await Promise.all(sends);
}

describe('pacer', () => {
  test('one a second: ten sends a second apart, in order', async () => {
    const log: Array<[string, number]> = [];
    await sendAll('a', ONE_PER_SECOND, 10, log);
    expect(log.map(([, at]) => at)).toEqual([0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 9_000]);
  });

  test('five per two seconds: bursts of five, each two seconds after the one before', async () => {
    const log: Array<[string, number]> = [];
    await sendAll('d', FIVE_PER_TWO, 12, log);
    expect(log.map(([, at]) => at)).toEqual([0, 0, 0, 0, 0, 2_000, 2_000, 2_000, 2_000, 2_000, 4_000, 4_000]);
  });

  test('a send is counted from its end: the next waits a window after the answer, not after the start', async () => {
    const first = (await pacer.take('a', ONE_PER_SECOND, NEVER)) as { slot: Slot };
    let second: Turn | undefined;
    void pacer.take('a', ONE_PER_SECOND, NEVER).then((t) => (second = t));
    await jest.advanceTimersByTimeAsync(1_500); // the first answer takes 1.5 s
    expect(second).toBeUndefined();
    first.slot.done();
    await jest.advanceTimersByTimeAsync(999);
    expect(second).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(second).toHaveProperty('slot');
  });

  test('a pause holds its destination only', async () => {
    const first = (await pacer.take('a', ONE_PER_SECOND, NEVER)) as { slot: Slot };
    first.slot.done(30_000); // a 429 with Retry-After: 30
    const log: Array<[string, number]> = [];
    const a = pacer.take('a', ONE_PER_SECOND, NEVER).then(() => log.push(['a', Date.now()]));
    const b = pacer.take('b', ONE_PER_SECOND, NEVER).then(() => log.push(['b', Date.now()]));
    await jest.advanceTimersByTimeAsync(30_000);
    await Promise.all([a, b]);
    expect(log).toEqual([
      ['b', 0],
      ['a', 30_000],
    ]);
  });

  test('no slot before `latest`: answered at once with when one is free, and the next in line keeps its turn', async () => {
    const first = (await pacer.take('a', ONE_PER_SECOND, NEVER)) as { slot: Slot };
    first.slot.done(10_000);
    expect(await pacer.take('a', ONE_PER_SECOND, 5_000)).toEqual({ until: 10_000 });
    let later: Turn | undefined;
    void pacer.take('a', ONE_PER_SECOND, NEVER).then((t) => (later = t));
    await jest.advanceTimersByTimeAsync(10_000);
    expect(later).toHaveProperty('slot');
  });

  test('a send still out at `latest`: left for a window later', async () => {
    await pacer.take('a', ONE_PER_SECOND, NEVER); // never ends within the test
    let turn: Turn | undefined;
    void pacer.take('a', ONE_PER_SECOND, 2_000).then((t) => (turn = t));
    await jest.advanceTimersByTimeAsync(1_999);
    expect(turn).toBeUndefined();
    await jest.advanceTimersByTimeAsync(2);
    expect(turn).toEqual({ until: 2_001 + 1_000 });
  });

  test('drain answers every waiter, and a quiet destination is forgotten', async () => {
    const first = (await pacer.take('a', ONE_PER_SECOND, NEVER)) as { slot: Slot };
    const waiting = pacer.take('a', ONE_PER_SECOND, NEVER);
    pacer.drain();
    expect(await waiting).toEqual({ until: 0 });
    first.slot.done();
    expect(pacer.size).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(pacer.size).toBe(0);
  });
});
