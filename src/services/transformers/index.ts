// The registry: every target format, one line each, and the one list of them. Everything about a
// target is in its folder (`<name>/`: render, settings, answer rules, markup escaping and its
// template helpers, vendor limits, and contract.ts, the test-only half: sample settings, the fake
// vendor's answer, the body checker) and in `templates/<name>/`. What the engine needs to know of
// a target it reads from what the target declares (types.ts: signed, capabilities, helpers,
// limits), never from its name; the page, the Slack app, the OpenAPI document and the docs' lists
// come from this list, and the contract tests run over every entry (docs/architecture.md, "add a
// target"). The first entry is the default target.
import { discord } from './discord/index.js';
import { generic } from './generic/index.js';
import { googleChat } from './google-chat/index.js';
import { mattermost } from './mattermost/index.js';
import { pagerduty } from './pagerduty/index.js';
import { slack } from './slack/index.js';
import { teams } from './teams/index.js';
import { helperNames, registerTemplateHelpers } from './shared/helpers.js';
import type { Transformer } from './types.js';

export const TRANSFORMERS = Object.freeze({
  generic: generic as Transformer,
  slack: slack as Transformer,
  teams: teams as Transformer,
  discord: discord as Transformer,
  pagerduty: pagerduty as Transformer,
  'google-chat': googleChat as Transformer,
  mattermost: mattermost as Transformer,
});

export type TransformerName = keyof typeof TRANSFORMERS;

export const TRANSFORMER_NAMES = Object.freeze(Object.keys(TRANSFORMERS) as TransformerName[]);

/** The target a webhook or a preview gets when it names none: the registry's first (the plain signed receiver). */
export const DEFAULT_TRANSFORMER: TransformerName = TRANSFORMER_NAMES[0];

// Each target's markup helpers into the one template environment, from its folder's declaration.
for (const name of TRANSFORMER_NAMES) registerTemplateHelpers(TRANSFORMERS[name].helpers);

/** Every helper a template may call (shared and the targets'), for the docs and the template editor. */
export const HELPER_NAMES = helperNames();

/** The transformer called `name`, or undefined (never something from Object.prototype). */
export function getTransformer(name: string): Transformer | undefined {
  return Object.hasOwn(TRANSFORMERS, name) ? TRANSFORMERS[name as TransformerName] : undefined;
}

/** Whether a webhook of `transformer` with these settings posts with the operator's bot token (capabilities.botMode). */
export function usesBotToken(transformer: Transformer | undefined, config: unknown): boolean {
  return transformer?.capabilities.botMode === true && transformer.usesBot?.(config) === true;
}

/** Whether webhooks of the target named `name` are signed (an unknown name: not). */
export function isSigned(name: string): boolean {
  return getTransformer(name)?.signed === true;
}

export { defaultTemplateSource } from './shared/templates.js';
export { withRenderLimit } from './shared/render-budget.js';
export { describeGrouping, groupingInfo, parseTargetConfig, splitGroup, type GroupSetting } from './shared/group.js';
