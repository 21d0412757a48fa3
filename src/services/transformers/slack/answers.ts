// Slack answers in two dialects. Incoming webhooks use HTTP statuses with a bare code as the
// body (`invalid_blocks`). The Web API (bot mode, chat.postMessage) answers 200 with JSON
// `{ok:false, error}`. The rules only see the response, so the body tells the dialects apart.
import { bodyCode, jsonBody } from '../shared/answer-body.js';
import type { AnswerRules, BodyReading, TargetResponse } from '../types.js';

const VENDOR = 'Slack';

// https://api.slack.com/messaging/webhooks#handling_errors
const WEBHOOK_STATUS: AnswerRules['status'] = {
  200: 'success',
  400: 'refuse', // invalid_payload, invalid_blocks, no_text: this message can never be posted
  401: 'disable', // not sent by Slack today; an auth failure means the URL no longer works
  403: 'disable', // action_prohibited, invalid_token: the webhook was revoked or blocked
  404: 'disable', // channel_not_found, no_service: the channel or the webhook is gone
  410: 'disable', // channel_is_archived
  429: 'retry', // about one message a second per webhook; Retry-After says when
};

// https://api.slack.com/methods/chat.postMessage#errors : the app can never post here again
// until someone fixes the channel or the token.
const BOT_DISABLE = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'account_inactive',
  'token_revoked',
  'token_expired', // same as revoked for a bot token
  'not_authed', // no token reached Slack
]);

// Slack's own transient failures, which its docs say to retry.
const BOT_RETRY = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

interface ApiAnswer {
  ok: boolean;
  error?: string;
}

function apiAnswer(response: TargetResponse): ApiAnswer | undefined {
  const body = jsonBody(response);
  if (body === null || typeof body !== 'object' || typeof (body as ApiAnswer).ok !== 'boolean') return undefined;
  const { ok, error } = body as ApiAnswer;
  return { ok, error: typeof error === 'string' ? error : undefined };
}

/** The Web API's answer decides by its `error`, whatever the status; an incoming webhook's by its status. */
function readBody(response: TargetResponse): BodyReading {
  const api = apiAnswer(response);
  if (!api) return { detail: bodyCode(response.body) };
  if (api.ok && response.status >= 200 && response.status < 300) return { outcome: 'success' };
  const code = api.error ?? (api.ok ? undefined : 'unknown_error');
  if (response.status === 429 || (code && BOT_RETRY.has(code)) || response.status >= 500) return { outcome: 'retry', detail: code };
  if (code && BOT_DISABLE.has(code)) return { outcome: 'disable', detail: code };
  // invalid_blocks, msg_too_long, msg_blocks_too_long, …: this message is wrong, not the webhook.
  return { outcome: 'refuse', detail: code };
}

export const SLACK_ANSWERS: AnswerRules = { vendor: VENDOR, status: WEBHOOK_STATUS, body: readBody };
