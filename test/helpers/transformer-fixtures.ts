// Shared inputs for the transformer tests, from the registry and each target's contract.ts
// (test/helpers/target-contract.ts): valid settings and a hook URL per target, a render context
// with links, secrets that must never leak, and events built from the samples with changes.
import { TRANSFORMER_NAMES, TRANSFORMERS, type TransformerName } from '../../src/services/transformers/index.js';
import { DISCORD_HOOK } from '../../src/services/transformers/discord/contract.js';
import { CHAT_HOOK } from '../../src/services/transformers/google-chat/contract.js';
import { ROUTING_KEY } from '../../src/services/transformers/pagerduty/contract.js';
import { SLACK_HOOK } from '../../src/services/transformers/slack/contract.js';
import type { ForjinnEvent, RenderContext, Rendered } from '../../src/services/transformers/types.js';
import { CONTRACTS, renderTarget } from './target-contract.js';

export { BOT_TOKEN, CTX, EVENT_TYPES_LIST, eventWith, hugeOutput, SECRETS } from './target-contract.js';
export { strings } from '../../src/services/transformers/shared/contract.js';
// Target-specific tests (slack.test.ts, discord.test.ts, pagerduty.test.ts, google-chat.test.ts) use their target's own.
export { CHAT_HOOK, DISCORD_HOOK, ROUTING_KEY, SLACK_HOOK };

export const HOOK_URL = Object.fromEntries(TRANSFORMER_NAMES.map((name) => [name, CONTRACTS[name].hookUrl])) as Record<TransformerName, string>;

export const RAW_CONFIG = Object.fromEntries(TRANSFORMER_NAMES.map((name) => [name, CONTRACTS[name].settings])) as Record<TransformerName, unknown>;

/** The chat and incident targets: every target that is not signed. */
export const CHAT_TARGETS = TRANSFORMER_NAMES.filter((name) => !TRANSFORMERS[name].signed);

export function render(
  name: TransformerName,
  event: ForjinnEvent,
  options: { ctx?: RenderContext; template?: string; config?: unknown } = {},
): Rendered {
  return renderTarget({ transformer: TRANSFORMERS[name], contract: CONTRACTS[name] }, event, options);
}

export const json = (rendered: Rendered): any => JSON.parse(rendered.body);
