// A target registered only here, made the way docs/architecture.md says ("add a target"): a
// Transformer (with its declarations), its helper registered into the template environment the
// way the registry registers every target's, and its contract. The whole unit-level contract
// suite runs over it: what a new target in src/services/transformers/<name>/ gets by itself.
import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { HELPER_NAMES } from '../../../src/services/transformers/index.js';
import { CHAT_ANSWERS, chars, parsed, rule, type TargetContract } from '../../../src/services/transformers/shared/contract.js';
import { parseSettings } from '../../../src/services/transformers/shared/config.js';
import { viewEvent } from '../../../src/services/transformers/shared/event-view.js';
import { registerTemplateHelpers, textHelper } from '../../../src/services/transformers/shared/helpers.js';
import { describeTemplateError } from '../../../src/services/transformers/shared/template-errors.js';
import { checkTemplateSource, runTemplate } from '../../../src/services/transformers/shared/templates.js';
import { truncate } from '../../../src/services/transformers/shared/text.js';
import type { Transformer } from '../../../src/services/transformers/types.js';
import { describeTarget } from '../../helpers/target-contract.js';

const NAME = 'throwaway';
const TEXT_MAX = 4000;
const DEFAULT_TEMPLATE = '{{throwaway @title}}{{#if output}}\n{{throwaway (truncate output 500)}}{{/if}}';

/** A text-only chat: `{text}`; `<` and `>` are its markup, escaped as entities. */
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const throwaway: Transformer<{ channel?: string }> = {
  name: NAME,
  label: 'Throwaway chat',
  defaultEndpointConcurrency: 1,
  signed: false,
  capabilities: { botMode: false, threads: false, edits: false },
  helpers: [textHelper(NAME, escape)],
  limits: [{ what: 'text', max: TEXT_MAX, unit: 'characters', doc: 'https://chat.example.com/docs/limits' }],
  rate: { requests: 1, perMs: 1_000, per: 'webhook URL', doc: 'https://chat.example.com/docs/rate-limits' },
  configFields: [{ name: 'channel', label: 'Channel', type: 'string', required: false }],
  templateHelp: 'Renders the message text; put event text through {{throwaway …}}.',
  parseConfig: (raw) => parseSettings(z.strictObject({ channel: z.string().optional() }), raw, ['channel']),
  render(event, _config, ctx, template) {
    const view = viewEvent(event, ctx);
    const run = (source: string, strict: boolean) => runTemplate(source, event, ctx, NAME, { strict, view });
    let templateError: string | undefined;
    let text: { text: string; cut: boolean };
    try {
      text = template ? run(template, true) : run(DEFAULT_TEMPLATE, false);
    } catch (err) {
      templateError = describeTemplateError(err, template ?? '');
      text = run(DEFAULT_TEMPLATE, false);
    }
    const links = view.links.map((l) => `${l.label}: ${l.url}`).join('\n');
    const cut = truncate(`${text.text}\n${links}`, TEXT_MAX);
    return {
      body: JSON.stringify({ text: cut.text }),
      contentType: 'application/json',
      headers: {},
      truncated: cut.cut || text.cut ? ['text'] : [],
      signed: false,
      ...(templateError ? { templateError } : {}),
    };
  },
  checkTemplate: (template, _config, events) => checkTemplateSource(NAME, template, undefined, events),
  answers: { vendor: 'Throwaway', status: { 200: 'success', 400: 'refuse', 401: 'disable', 403: 'disable', 404: 'disable', 429: 'retry' } },
};

const contract: TargetContract = {
  hookUrl: 'https://chat.example.com/hooks/T0K3N-throwaway-0123456789',
  settings: { channel: 'alerts' },
  secrets: ['T0K3N-throwaway-0123456789'],
  goodAnswer: { status: 200 },
  check(sent) {
    const problems: string[] = [];
    const bad = rule(problems);
    const body = parsed(sent, problems);
    bad(typeof body.text === 'string' && chars(body.text) >= 1 && chars(body.text) <= 4000, 'text missing or over 4000 characters');
    bad(!/<(?!https?:)/.test(body.text ?? ''), 'unescaped markup');
    return problems;
  },
  flood: '{{throwaway output}} {{throwaway error.message}} {{throwaway input}}',
  validTemplate: '{{throwaway @subject}}: {{throwaway (truncate output 100)}}',
  answers: { ...CHAT_ANSWERS },
};

// What the registry does for each entry of its list.
registerTemplateHelpers(throwaway.helpers);

describe('a target registered only in this test', () => {
  it('is not in the registry, and its helper is registered beside the registry\'s', () => {
    expect(HELPER_NAMES).not.toContain(NAME);
    expect(runTemplate(`{{${NAME} output}}`, { event: 'flow_completed', id: 'x', timestamp: '2026-01-01T00:00:00Z', output: '<!here>' }, {}, NAME, { strict: true }).text).toBe('&lt;!here&gt;');
  });

  it('cannot take a name already registered', () => {
    expect(() => registerTemplateHelpers([textHelper('slack', escape)])).toThrow(/registered twice/);
  });
});

describeTarget(NAME, { transformer: throwaway as Transformer, contract });
