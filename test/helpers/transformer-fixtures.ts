// Shared inputs for the transformer tests: valid settings per target, a render context with
// links, secrets that must never leak, and events built from the samples with changes.
import { TRANSFORMERS, type TransformerName } from '../../src/services/transformers/index.js';
import { SAMPLE_EVENTS } from '../../src/services/transformers/samples.js';
import type { EventType, ForjinnEvent, RenderContext, Rendered } from '../../src/services/transformers/types.js';

export const ROUTING_KEY = 'R0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5';
export const BOT_TOKEN = 'xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx';
export const SLACK_HOOK = 'https://hooks.slack.com/services/T0ABCDEFG/B0HIJKLMN/Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2';
export const DISCORD_HOOK =
  'https://discord.com/api/webhooks/123456789012345678/Ab_cDeFgHiJkLmNoPqRsTuVwXyZ0123456789-AbCdEfGhIjKlMnOpQrStUvWxYz01234';
export const TEAMS_HOOK =
  'https://prod-11.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sig=Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm';
export const CHAT_HOOK =
  'https://chat.googleapis.com/v1/spaces/AAAA1234/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=Tk9_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';

/** Everything a reason text or error must not contain. */
export const SECRETS = [ROUTING_KEY, BOT_TOKEN, SLACK_HOOK, DISCORD_HOOK, TEAMS_HOOK, CHAT_HOOK, 'Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2', 'Q1w2E3r4T5y6U7i8O9p0AsDfGhJkLzXcVbNm'];

export const HOOK_URL: Record<TransformerName, string> = {
  generic: 'https://receiver.example.com/forjinn',
  slack: SLACK_HOOK,
  teams: TEAMS_HOOK,
  discord: DISCORD_HOOK,
  pagerduty: 'https://events.pagerduty.com/v2/enqueue',
  'google-chat': CHAT_HOOK,
};

export const RAW_CONFIG: Record<TransformerName, unknown> = {
  generic: {},
  slack: {},
  teams: {},
  discord: {},
  pagerduty: { routingKey: ROUTING_KEY },
  'google-chat': { threadKey: '{{chatflowId}}' },
};

export const CHAT_TARGETS = ['slack', 'teams', 'discord', 'pagerduty', 'google-chat'] as const;

export const CTX: RenderContext = {
  appUrl: 'https://app.forjinn.example',
  publicUrl: 'https://hooks.forjinn.example',
  webhookId: 'wh_123',
  deliveryId: 'dlv_456',
};

export const EVENT_TYPES_LIST = Object.keys(SAMPLE_EVENTS) as EventType[];

/** A sample event with fields replaced (deep-copied, so samples stay untouched). */
export function eventWith(type: EventType, patch: Record<string, unknown> = {}): ForjinnEvent {
  return { ...structuredClone(SAMPLE_EVENTS[type]), ...patch };
}

export function render(
  name: TransformerName,
  event: ForjinnEvent,
  options: { ctx?: RenderContext; template?: string; config?: unknown } = {},
): Rendered {
  const transformer = TRANSFORMERS[name];
  const config = transformer.parseConfig(options.config ?? RAW_CONFIG[name]);
  return transformer.render(event, config, { ...CTX, webhookUrl: HOOK_URL[name], ...options.ctx }, options.template);
}

export const json = (rendered: Rendered): any => JSON.parse(rendered.body);

/** A long model output with a mention, a link, quotes and emoji (surrogate pairs) in it. */
export function hugeOutput(chars: number): string {
  const chunk = 'The answer is "yes" <!here> <@U123> <https://evil.example|click> 😀 & more.\n';
  return chunk.repeat(Math.ceil(chars / chunk.length)).slice(0, chars);
}

/** Walks a JSON value, yielding [path, value] for each string. */
export function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* strings(item, path ? `${path}.${key}` : key);
  }
}
