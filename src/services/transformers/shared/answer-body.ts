// Reading the body of a target's answer for its AnswerRules (types.ts): what it says is data for
// the one retry policy (src/services/delivery/retry-policy.ts), which cleans any detail of URLs
// and tokens before it becomes a reason: vendors echo requests back.
import type { TargetResponse } from '../types.js';

/** The body as JSON, or undefined when it is not JSON. */
export function jsonBody(response: TargetResponse): unknown {
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

/** A short error code from a text body (Slack incoming webhooks answer `channel_not_found`). */
export function bodyCode(body: string): string | undefined {
  const trimmed = body.trim();
  return /^[a-z][a-z0-9_]{1,60}$/.test(trimmed) ? trimmed : undefined;
}

/** A header of the answer by name, whatever its case. */
export function answerHeader(response: Pick<TargetResponse, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(response.headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
