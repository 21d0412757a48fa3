// Slack wants every command acknowledged within 3 seconds. A result ready in time is the
// acknowledgement itself; a slow one is acknowledged with "working on it" and posted to the
// response_url when it is ready; a deferred one (webhook test) always goes the second way.
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { answer, type Outcome, type SlackDeps } from '../../../src/doors/slack/commands.js';
import { Tasks } from '../../../src/doors/slack/tasks.js';

const logged: unknown[] = [];
const deps = {
  ctx: { log: { error: (...a: unknown[]) => logged.push(a), warn: (...a: unknown[]) => logged.push(a) } },
  tasks: new Tasks(),
  admins: new Set<string>(),
} as unknown as SlackDeps;

function recorder() {
  const acks: any[] = [];
  const responds: any[] = [];
  return {
    acks,
    responds,
    ack: async (r: any) => void acks.push(r),
    respond: (async (r: any) => {
      responds.push(r);
      return undefined;
    }) as any,
  };
}

const after = (ms: number, o: Outcome) => new Promise<Outcome>((resolve) => setTimeout(() => resolve(o), ms));

beforeEach(() => {
  jest.useFakeTimers();
  logged.length = 0;
});
afterEach(() => {
  jest.useRealTimers();
});

describe('answer', () => {
  test('a result ready within the budget is the acknowledgement', async () => {
    const r = recorder();
    const done = answer(deps, r.ack, r.respond, () => after(500, { text: 'listed' }));
    await jest.advanceTimersByTimeAsync(500);
    await done;
    expect(r.acks).toEqual([{ response_type: 'ephemeral', text: 'listed' }]);
    expect(r.responds).toEqual([]);
  });

  test('a slow result is acknowledged after 2 s and posted to the response_url later', async () => {
    const r = recorder();
    const done = answer(deps, r.ack, r.respond, () => after(5_000, { text: 'slow result' }));
    await jest.advanceTimersByTimeAsync(2_000);
    await done;
    expect(r.acks).toHaveLength(1);
    expect(r.acks[0].text).toContain('Working on it');
    expect(r.responds).toEqual([]);
    await jest.advanceTimersByTimeAsync(3_000);
    await deps.tasks.drain();
    expect(r.responds).toEqual([{ response_type: 'ephemeral', text: 'slow result' }]);
  });

  test('a deferred outcome answers now and posts the rest when it is done', async () => {
    const r = recorder();
    await answer(deps, r.ack, r.respond, async () => ({ now: { text: 'sending…' }, later: async () => ({ text: 'HTTP 200 in 5 ms' }) }));
    await deps.tasks.drain();
    expect(r.acks).toEqual([{ response_type: 'ephemeral', text: 'sending…' }]);
    expect(r.responds).toEqual([{ response_type: 'ephemeral', text: 'HTTP 200 in 5 ms' }]);
  });

  test('an unexpected error answers a reference, never the error itself, and is logged', async () => {
    const r = recorder();
    await answer(deps, r.ack, r.respond, async () => {
      throw new Error('connection to 10.0.0.5 refused at Socket.connect');
    });
    expect(r.acks[0].text).toMatch(/something went wrong in the webhook service \(ref [0-9a-f]{8}\)/);
    expect(JSON.stringify(r.acks)).not.toContain('10.0.0.5');
    expect(logged).toHaveLength(1);
  });
});
