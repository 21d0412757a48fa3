// What each target's body says, read by its AnswerRules through the one retry policy: Slack's
// two dialects, Discord's retry_after and error codes, the vendor texts kept (safely) in reasons.
// The whole status matrix for every target is status-matrix.test.ts.
import { describe, expect, it } from '@jest/globals';
import { decide } from '../../../src/services/delivery/retry-policy.js';
import { TRANSFORMERS, type TransformerName } from '../../../src/services/transformers/index.js';
import type { TargetResponse } from '../../../src/services/transformers/types.js';

const response = (status: number, body = '', headers: Record<string, string> = {}): TargetResponse => ({ status, body, headers });
const answer = (name: TransformerName, res: TargetResponse) => decide(res, TRANSFORMERS[name].answers);

describe('target-specific answers', () => {
  it('discord: retry_after from the body, in fractional seconds', () => {
    const verdict = answer('discord', response(429, '{"message":"You are being rate limited.","retry_after":1.234,"global":false}', { 'retry-after': '2' }));
    expect(verdict).toMatchObject({ outcome: 'retry', retryAfterMs: 1234 });
    // One that says nothing usable leaves the header to decide.
    expect(answer('discord', response(429, '{"retry_after":-1}', { 'retry-after': '2' }))).toMatchObject({ retryAfterMs: 2000 });
    expect(answer('discord', response(429, '{"retry_after":99999}'))).toMatchObject({ retryAfterMs: 3_600_000 });
  });

  it('discord: Unknown Webhook disables and says so', () => {
    const verdict = answer('discord', response(404, '{"message":"Unknown Webhook","code":10015}'));
    expect(verdict).toMatchObject({ outcome: 'disable', reason: expect.stringContaining('Unknown Webhook, code 10015') });
  });

  it('slack incoming webhook: the error code is kept in the reason', () => {
    expect(answer('slack', response(404, 'channel_not_found'))).toMatchObject({
      outcome: 'disable',
      reason: expect.stringContaining('channel_not_found'),
    });
    expect(answer('slack', response(400, 'invalid_blocks'))).toMatchObject({ outcome: 'refuse' });
  });

  const api = (error: string | null, status = 200, headers: Record<string, string> = {}) =>
    answer('slack', response(status, JSON.stringify(error ? { ok: false, error } : { ok: true }), headers));

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
    expect(answer('pagerduty', response(400, body))).toMatchObject({
      outcome: 'refuse',
      reason: "HTTP 400 from PagerDuty (Event object is invalid: 'payload.summary' is missing): the message was refused; not retrying",
    });
  });

  it('teams and google chat: the vendor error code is kept', () => {
    const teams = answer('teams', response(400, '{"error":{"code":"TriggerInputSchemaMismatch","message":"x"}}'));
    expect(teams).toMatchObject({ outcome: 'refuse', reason: expect.stringContaining('TriggerInputSchemaMismatch') });
    const chat = answer('google-chat', response(403, '{"error":{"code":403,"status":"PERMISSION_DENIED"}}'));
    expect(chat).toMatchObject({ outcome: 'disable', reason: expect.stringContaining('PERMISSION_DENIED') });
  });
});
