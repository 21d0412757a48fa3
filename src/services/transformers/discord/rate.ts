// Discord's send rate per webhook, and its bucket headers. Discord does not promise fixed numbers:
// every answer says what is left of the route's bucket (X-RateLimit-Remaining) and when it refills
// (X-RateLimit-Reset-After, seconds with a fraction), and a client is to read them rather than
// hard-code a rate. The declared rate (5 per 2 s per webhook, what execute-webhook's bucket has
// been) paces a burst from its first request; the headers pause the webhook when its bucket is
// smaller or shared (services/delivery/pacer.ts).
import { answerHeader } from '../shared/answer-body.js';
import type { SendRate, TargetResponse } from '../types.js';

const RATE_LIMITS_DOC = 'https://discord.com/developers/docs/topics/rate-limits';

export const DISCORD_RATE: SendRate = { requests: 5, perMs: 2_000, per: 'webhook URL', doc: RATE_LIMITS_DOC };

/** The bucket's word: nothing left until it resets, in ms; undefined while requests remain. */
export function bucketPause(response: Pick<TargetResponse, 'headers'>): number | undefined {
  const remaining = answerHeader(response, 'x-ratelimit-remaining')?.trim();
  const resetAfter = Number(answerHeader(response, 'x-ratelimit-reset-after'));
  if (remaining !== '0' || !Number.isFinite(resetAfter) || resetAfter <= 0) return undefined;
  // A bucket that would keep the webhook quiet past an hour says something else: the 429's retry waits instead.
  return Math.min(Math.ceil(resetAfter * 1000), 3_600_000);
}
