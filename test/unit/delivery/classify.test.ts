import { describe, expect, test } from '@jest/globals';
import { classify as classifyBy, MAX_RETRY_AFTER_MS, nextDelay, parseRetryAfter, retryDelay } from '../../../src/services/delivery/retry-policy.js';
import type { SendResult } from '../../../src/services/delivery/http.js';
import { TRANSFORMERS } from '../../../src/services/transformers/index.js';
import type { AnswerRules } from '../../../src/services/transformers/types.js';

const res = (status: number, headers: Record<string, string> = {}, body = ''): SendResult => ({ kind: 'response', status, headers, body, durationMs: 5 });
/** The generic HTTPS target's rules: the engine's documented table (docs/delivery.md). */
const classify = (result: SendResult) => classifyBy(result, TRANSFORMERS.generic.answers);

describe('classify (generic HTTPS receiver)', () => {
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

});

describe('one table, a target\'s rules over it', () => {
  test('a target that names no status gets the shared table: a 400 is refused, never retried', () => {
    const bare: AnswerRules = { status: {} };
    expect(classifyBy(res(400), bare).outcome).toBe('refuse');
    expect(classifyBy(res(422), bare).outcome).toBe('refuse');
    expect(classifyBy(res(302), bare).outcome).toBe('refuse');
    expect(classifyBy(res(410), bare).outcome).toBe('disable');
    expect(classifyBy(res(408), bare).outcome).toBe('retry');
    expect(classifyBy(res(503), bare).outcome).toBe('retry');
    expect(classifyBy(res(204), bare).outcome).toBe('success');
  });

  test('an exact status wins over a class; the target wins over the shared table at the same level', () => {
    const rules: AnswerRules = { status: { '4xx': 'retry', 404: 'disable', '2xx': 'refuse' } };
    expect(classifyBy(res(400), rules).outcome).toBe('retry'); // the target's class over the shared class
    expect(classifyBy(res(404), rules).outcome).toBe('disable'); // the target's exact status
    expect(classifyBy(res(410), rules).outcome).toBe('disable'); // the shared exact 410 over the target's class
    expect(classifyBy(res(201), rules).outcome).toBe('refuse');
  });

  test('the body may decide, name a detail (cleaned of tokens) and a wait', () => {
    const rules: AnswerRules = {
      vendor: 'Chat',
      status: {},
      body: (r) => (r.body === 'later' ? { outcome: 'retry', retryAfterSeconds: 1.5 } : { outcome: 'refuse', detail: 'bad https://x.example/T0/secretsecret' }),
    };
    expect(classifyBy(res(200, { 'retry-after': '9' }, 'later'), rules)).toEqual({ outcome: 'retry', reason: 'HTTP 200 from Chat', retryAfterMs: 1500 });
    expect(classifyBy(res(200), rules)).toEqual({ outcome: 'refuse', reason: 'HTTP 200 from Chat (bad [url]): the message was refused; not retrying' });
  });

  test('Retry-After is read on every retry answer unless the rules name the statuses', () => {
    expect(classifyBy(res(500, { 'Retry-After': '7' }), { status: {} })).toMatchObject({ retryAfterMs: 7000 });
    expect(classify(res(500, { 'retry-after': '7' }))).toEqual({ outcome: 'retry', reason: 'HTTP 500' });
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
