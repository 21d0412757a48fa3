// One contract for every target: the whole status-code matrix through classify, each answer's
// outcome and Retry-After, and no secret in any reason, even when the target echoes one back.
import { describe, expect, it } from '@jest/globals';
import { TRANSFORMERS } from '../../../src/services/transformers/index.js';
import type { TargetResponse, Verdict } from '../../../src/services/transformers/types.js';
import { BOT_TOKEN, CHAT_TARGETS, SECRETS } from './fixtures.js';

type Target = (typeof CHAT_TARGETS)[number];
type Expect = Verdict['outcome'] | [Verdict['outcome'], number];

/** A body that repeats every secret we know, the way a careless proxy or vendor error might. */
const ECHO = `invalid request ${SECRETS.join(' ')} Authorization: Bearer ${BOT_TOKEN}`;

const response = (status: number, body = '', headers: Record<string, string> = {}): TargetResponse => ({ status, body, headers });

// status → expected outcome per target ([outcome, retryAfterMs] where a delay is expected).
const MATRIX: Array<[string, TargetResponse, Record<Target, Expect>]> = [
  ['200', response(200, 'ok'), { slack: 'success', teams: 'success', discord: 'success', pagerduty: 'success', 'google-chat': 'success' }],
  ['202', response(202, '{"status":"success"}'), { slack: 'success', teams: 'success', discord: 'success', pagerduty: 'success', 'google-chat': 'success' }],
  ['204', response(204), { slack: 'success', teams: 'success', discord: 'success', pagerduty: 'success', 'google-chat': 'success' }],
  ['400', response(400, ECHO), { slack: 'refuse', teams: 'refuse', discord: 'refuse', pagerduty: 'refuse', 'google-chat': 'refuse' }],
  ['401', response(401, ECHO), { slack: 'disable', teams: 'disable', discord: 'disable', pagerduty: 'refuse', 'google-chat': 'disable' }],
  ['403', response(403, ECHO), { slack: 'disable', teams: 'disable', discord: 'disable', pagerduty: 'refuse', 'google-chat': 'disable' }],
  ['404', response(404, ECHO), { slack: 'disable', teams: 'disable', discord: 'disable', pagerduty: 'refuse', 'google-chat': 'disable' }],
  ['410', response(410, ECHO), { slack: 'disable', teams: 'disable', discord: 'disable', pagerduty: 'disable', 'google-chat': 'disable' }],
  ['413', response(413, ECHO), { slack: 'refuse', teams: 'refuse', discord: 'refuse', pagerduty: 'refuse', 'google-chat': 'refuse' }],
  [
    '429 with Retry-After',
    response(429, ECHO, { 'Retry-After': '7' }),
    { slack: ['retry', 7000], teams: ['retry', 7000], discord: ['retry', 7000], pagerduty: ['retry', 7000], 'google-chat': ['retry', 7000] },
  ],
  ['500', response(500, ECHO), { slack: 'retry', teams: 'retry', discord: 'retry', pagerduty: 'retry', 'google-chat': 'retry' }],
  ['502', response(502, `<html>${ECHO}</html>`), { slack: 'retry', teams: 'retry', discord: 'retry', pagerduty: 'retry', 'google-chat': 'retry' }],
  ['302', response(302, '', { location: 'https://elsewhere.example' }), { slack: 'refuse', teams: 'refuse', discord: 'refuse', pagerduty: 'refuse', 'google-chat': 'refuse' }],
];

function check(verdict: Verdict | undefined, expected: Expect): void {
  const [outcome, retryAfterMs] = Array.isArray(expected) ? expected : [expected, undefined];
  expect(verdict?.outcome).toBe(outcome);
  if (retryAfterMs !== undefined) expect(verdict).toMatchObject({ retryAfterMs });
  if (verdict && verdict.outcome !== 'success') {
    expect(verdict.reason.length).toBeGreaterThan(0);
    for (const secret of SECRETS) expect(verdict.reason).not.toContain(secret);
    expect(verdict.reason).not.toMatch(/xox[bp]-|sig=[^[]|Bearer [^[]/);
  }
}

describe.each(CHAT_TARGETS)('%s classify', (name) => {
  const classify = TRANSFORMERS[name].classify;

  it.each(MATRIX.map(([label, res, expected]) => [label, res, expected[name]] as const))('%s', (_label, res, expected) => {
    expect(classify).toBeDefined();
    check(classify?.(res), expected);
  });

  it('clamps a Retry-After of days to an hour, and reads HTTP dates', () => {
    check(classify?.(response(429, '', { 'retry-after': '999999' })), ['retry', 3_600_000]);
    const soon = new Date(Date.now() + 60_000).toUTCString();
    const verdict = classify?.(response(429, '', { 'retry-after': soon }));
    expect(verdict?.outcome).toBe('retry');
    expect(verdict && 'retryAfterMs' in verdict ? verdict.retryAfterMs : 0).toBeGreaterThan(50_000);
  });
});

describe('target-specific answers', () => {
  it('discord: retry_after from the body, in fractional seconds', () => {
    const verdict = TRANSFORMERS.discord.classify?.(
      response(429, '{"message":"You are being rate limited.","retry_after":1.234,"global":false}', { 'retry-after': '2' }),
    );
    expect(verdict).toMatchObject({ outcome: 'retry', retryAfterMs: 1234 });
  });

  it('discord: Unknown Webhook disables and says so', () => {
    const verdict = TRANSFORMERS.discord.classify?.(response(404, '{"message":"Unknown Webhook","code":10015}'));
    expect(verdict).toMatchObject({ outcome: 'disable', reason: expect.stringContaining('Unknown Webhook, code 10015') });
  });

  it('slack incoming webhook: the error code is kept in the reason', () => {
    expect(TRANSFORMERS.slack.classify?.(response(404, 'channel_not_found'))).toMatchObject({
      outcome: 'disable',
      reason: expect.stringContaining('channel_not_found'),
    });
    expect(TRANSFORMERS.slack.classify?.(response(400, 'invalid_blocks'))).toMatchObject({ outcome: 'refuse' });
  });

  const api = (error: string | null, status = 200, headers: Record<string, string> = {}) =>
    TRANSFORMERS.slack.classify?.(response(status, JSON.stringify(error ? { ok: false, error } : { ok: true }), headers));

  it('slack bot: ok:true succeeds', () => {
    expect(api(null)).toEqual({ outcome: 'success' });
  });

  it('slack bot: ratelimited retries after Retry-After, with or without a 429', () => {
    expect(api('ratelimited', 200, { 'Retry-After': '30' })).toMatchObject({ outcome: 'retry', retryAfterMs: 30_000 });
    expect(api('ratelimited', 429, { 'Retry-After': '3' })).toMatchObject({ outcome: 'retry', retryAfterMs: 3000 });
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked'])(
    'slack bot: %s disables the webhook',
    (error) => {
      expect(api(error)).toMatchObject({ outcome: 'disable', reason: expect.stringContaining(error) });
    },
  );

  it.each(['invalid_blocks', 'msg_too_long', 'msg_blocks_too_long', 'invalid_arguments'])('slack bot: %s refuses this message', (error) => {
    expect(api(error)).toMatchObject({ outcome: 'refuse', reason: expect.stringContaining(error) });
  });

  it('pagerduty: the error text is kept, safely', () => {
    const body = JSON.stringify({ status: 'invalid event', message: 'Event object is invalid', errors: ["'payload.summary' is missing"] });
    expect(TRANSFORMERS.pagerduty.classify?.(response(400, body))).toMatchObject({
      outcome: 'refuse',
      reason: "PagerDuty answered 400 (Event object is invalid: 'payload.summary' is missing): the message was refused; not retrying",
    });
  });

  it('teams and google chat: the vendor error code is kept', () => {
    const teams = TRANSFORMERS.teams.classify?.(response(400, '{"error":{"code":"TriggerInputSchemaMismatch","message":"x"}}'));
    expect(teams).toMatchObject({ outcome: 'refuse', reason: expect.stringContaining('TriggerInputSchemaMismatch') });
    const chat = TRANSFORMERS['google-chat'].classify?.(response(403, '{"error":{"code":403,"status":"PERMISSION_DENIED"}}'));
    expect(chat).toMatchObject({ outcome: 'disable', reason: expect.stringContaining('PERMISSION_DENIED') });
  });

  it('generic leaves every answer to the engine', () => {
    expect(TRANSFORMERS.generic.classify).toBeUndefined();
  });
});
