// The registry: every target format, one line each. Adding a target is adding a line here.
import { discord } from './discord/index.js';
import { generic } from './generic/index.js';
import { googleChat } from './google-chat/index.js';
import { pagerduty } from './pagerduty/index.js';
import { slack } from './slack/index.js';
import { teams } from './teams/index.js';
import type { Transformer } from './types.js';

export const TRANSFORMERS = Object.freeze({
  generic: generic as Transformer,
  slack: slack as Transformer,
  teams: teams as Transformer,
  discord: discord as Transformer,
  pagerduty: pagerduty as Transformer,
  'google-chat': googleChat as Transformer,
});

export type TransformerName = keyof typeof TRANSFORMERS;

export const TRANSFORMER_NAMES = Object.freeze(Object.keys(TRANSFORMERS) as TransformerName[]);

/** The transformer called `name`, or undefined (never something from Object.prototype). */
export function getTransformer(name: string): Transformer | undefined {
  return Object.hasOwn(TRANSFORMERS, name) ? TRANSFORMERS[name as TransformerName] : undefined;
}

export { defaultTemplateSource } from './shared/templates.js';
export { HELPER_NAMES } from './shared/helpers.js';
export { withRenderLimit } from './shared/render-budget.js';
