import { describe, expect, test } from '@jest/globals';
import { classify, MAX_RETRY_AFTER_MS, nextDelay, parseRetryAfter, retryDelay, type SendResult } from '../../../src/services/delivery/classify.js';

const res = (status: number, headers: Record<string, string> = {}): SendResult => ({ kind: 'response', status, headers, body: '', durationMs: 5 });

describe('classify', () => {
  test.each([
    [200, 'success'],
    [201, 'success'],
    [204, 'success'],
    [301, 'retry'],
    [302, 'retry'],
    [400, 'retry'],
    [401, 'retry'],
    [404, 'retry'],
    [408, 'retry'],
    [410, 'disable'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ])('HTTP %i → %s', (status, outcome) => {
    expect(classify(res(status)).outcome).toBe(outcome);
  });

  test('network errors and timeouts retry; a blocked address or a render error does not', () => {
    expect(classify({ kind: 'error', reason: 'network', message: 'ECONNREFUSED', durationMs: 1 }).outcome).toBe('retry');
    expect(classify({ kind: 'error', reason: 'timeout', message: 'slow', durationMs: 1 }).outcome).toBe('retry');
    expect(classify({ kind: 'error', reason: 'blocked_address', message: '127.0.0.1', durationMs: 1 }).outcome).toBe('refuse');
    expect(classify({ kind: 'error', reason: 'render_error', message: 'bad', durationMs: 1 }).outcome).toBe('refuse');
  });

  test('Retry-After in seconds or as a date is honoured, clamped to one hour', () => {
    expect(classify(res(429, { 'retry-after': '7' }))).toEqual({ outcome: 'retry', reason: 'HTTP 429', retryAfterMs: 7000 });
    expect(classify(res(503, { 'retry-after': '999999' }))).toMatchObject({ retryAfterMs: MAX_RETRY_AFTER_MS });
    const now = Date.parse('2026-06-15T12:00:00Z');
    expect(parseRetryAfter('Mon, 15 Jun 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('garbage', now)).toBeUndefined();
  });

  test.each([
    ['-5', undefined],
    ['-0.5', undefined],
    ['-1e3', undefined],
    ['', undefined],
    ['   ', undefined],
    ['soon', undefined],
    ['1 2', undefined],
    ['NaN', undefined],
    ['Infinity', undefined],
    ['Wed, 21 Oct 2015 07:28:00 GMT', undefined], // past
    ['Mon, 15 Jun 2026 12:00:00 GMT', undefined], // now
    ['0', 0],
    ['0.25', 250],
    ['1.2341', 1235],
    ['7', 7000],
    ['+7', 7000],
    ['3600', MAX_RETRY_AFTER_MS],
    ['99999999999999999999', MAX_RETRY_AFTER_MS],
    ['Tue, 16 Jun 2026 12:00:00 GMT', MAX_RETRY_AFTER_MS], // a day ahead
    ['Mon, 15 Jun 2026 12:00:30 GMT', 30_000],
  ])('Retry-After %j → %p (undefined: the normal backoff)', (value, ms) => {
    expect(parseRetryAfter(value, Date.parse('2026-06-15T12:00:00Z'))).toBe(ms);
  });

  test('the next attempt waits for a usable Retry-After, else the schedule, never past an hour', () => {
    const schedule = [600_000];
    const half = () => 0.5;
    expect(nextDelay(classify(res(429, { 'retry-after': '-5' })), schedule, 1, half)).toBe(600_000);
    expect(nextDelay(classify(res(429, { 'retry-after': '7' })), schedule, 1, half)).toBe(7000);
    expect(nextDelay(classify(res(500)), schedule, 1, half)).toBe(600_000);
    // Whatever a transformer's classify computed.
    expect(nextDelay({ outcome: 'retry', reason: 'x', retryAfterMs: -5000 }, schedule, 1, half)).toBe(600_000);
    expect(nextDelay({ outcome: 'retry', reason: 'x', retryAfterMs: Number.NaN }, schedule, 1, half)).toBe(600_000);
    expect(nextDelay({ outcome: 'retry', reason: 'x', retryAfterMs: 10 * MAX_RETRY_AFTER_MS }, schedule, 1, half)).toBe(MAX_RETRY_AFTER_MS);
  });

  test('a transformer may claim a response first', () => {
    const t = { classify: () => ({ outcome: 'refuse' as const, reason: 'invalid_blocks' }) };
    expect(classify(res(200), t)).toEqual({ outcome: 'refuse', reason: 'invalid_blocks' });
    expect(classify(res(200), { classify: () => undefined }).outcome).toBe('success');
  });
});

describe('retry schedule', () => {
  const schedule = [60_000, 120_000, 240_000];
  test('follows the schedule with ±20 % jitter, repeating the last step', () => {
    expect(retryDelay(schedule, 1, () => 0.5)).toBe(60_000);
    expect(retryDelay(schedule, 2, () => 0)).toBe(96_000);
    expect(retryDelay(schedule, 3, () => 1)).toBe(288_000);
    expect(retryDelay(schedule, 9, () => 0.5)).toBe(240_000);
  });
});
