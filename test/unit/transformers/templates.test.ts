// Custom templates: refused at save with a location when broken, and at delivery replaced by the
// built-in default (with templateError set) when a real event breaks them.
import { describe, expect, it } from '@jest/globals';
import { defaultTemplateSource, TRANSFORMER_NAMES, TRANSFORMERS } from '../../../src/services/transformers/index.js';
import { SAMPLE_EVENTS } from '../../../src/services/transformers/samples.js';
import { runTemplate } from '../../../src/services/transformers/shared/templates.js';
import { TransformerError } from '../../../src/services/transformers/types.js';
import { CTX, eventWith, json, RAW_CONFIG, render } from '../../helpers/transformer-fixtures.js';
import { describeTemplates, REGISTERED } from '../../helpers/target-contract.js';

function refusal(name: (typeof TRANSFORMER_NAMES)[number], template: string): TransformerError {
  const transformer = TRANSFORMERS[name];
  try {
    transformer.checkTemplate?.(template, transformer.parseConfig(RAW_CONFIG[name]));
  } catch (err) {
    expect(err).toBeInstanceOf(TransformerError);
    return err as TransformerError;
  }
  throw new Error(`${name} accepted ${JSON.stringify(template)}`);
}

// At save (refusals with a location, its contract's template accepted) and, for the chat targets,
// the fallback at delivery: every target in the registry (test/helpers/target-contract.ts).
for (const [name, target] of REGISTERED) describeTemplates(name, target);

describe('the plain receiver\'s JSON templates', () => {
  it('explains the }}} trap of JSON templates', () => {
    expect(refusal('generic', '{"text": {{json output}}}').message).toMatch(/^line 1, column \d+: "}}}" closes .* leave a space/);
  });

  it('generic refuses a template whose result is not JSON', () => {
    expect(refusal('generic', '{"output": {{json output}},}').message).toContain('valid JSON');
    expect(refusal('pagerduty', '{{#if nothing}}x{{/if}}').message).toContain('empty summary');
  });
});

describe('custom templates at delivery', () => {
  it('generic falls back to the event JSON when the result is not JSON', () => {
    const unsafe = '{"output": "{{#if output}}{{output}}{{/if}}"}';
    expect(() => TRANSFORMERS.generic.checkTemplate?.(unsafe, {})).not.toThrow();
    const event = eventWith('flow_completed', { output: 'She said "no"' });
    const rendered = render('generic', event, { template: unsafe });
    expect(rendered.templateError).toContain('valid JSON');
    expect(rendered.body).toBe(JSON.stringify(event));
  });

  it('a custom template replaces the default text', () => {
    const body = json(render('slack', eventWith('flow_completed'), { template: 'Custom: *{{slack chatflowName}}*' }));
    expect(body.blocks[1].text.text).toBe('Custom: *Support triage*');
  });

  it('a truncate inside the template is reported as a cut of the field it fills', () => {
    const rendered = render('slack', eventWith('flow_completed'), { template: '{{truncate output 20}}' });
    expect(json(rendered).blocks[1].text.text).toBe('The customer cannot…');
    expect(rendered.truncated).toEqual(['blocks[1].text.text']);
  });

  it('a JSON template stays valid JSON with quotes, backslashes and newlines in the output', () => {
    const event = eventWith('flow_completed', { output: 'a "quoted" \\ back\nslash </script>' });
    const rendered = render('generic', event, { template: '{"text": {{json output}} }' });
    expect(rendered.templateError).toBeUndefined();
    expect(json(rendered)).toEqual({ text: event.output });
  });
});

describe('the template environment', () => {
  const run = (source: string) =>
    runTemplate(source, SAMPLE_EVENTS.flow_completed, CTX, 'slack', { strict: false }).text;

  it('does not HTML-escape', () => {
    expect(runTemplate('{{input}} & "x"', eventWith('flow_completed', { input: '<b>&"' }), CTX, 'slack', { strict: true }).text).toBe(
      '<b>&" & "x"',
    );
  });

  it('denies prototype access', () => {
    expect(run('[{{constructor}}][{{constructor.name}}][{{__proto__}}][{{lookup this "constructor"}}]')).toBe('[][][][]');
  });

  it('cuts by code points, never splitting an emoji', () => {
    const event = eventWith('flow_completed', { output: '😀😀😀😀😀' });
    expect(runTemplate('{{truncate output 3}}', event, CTX, 'slack', { strict: true }).text).toBe('😀😀…');
  });

  it('formats durations, numbers and rates for people', () => {
    expect(run('{{duration 210}}|{{duration 1523}}|{{duration 412000}}|{{number 64000}}|{{percent 0.915}}|{{date timestamp}}')).toBe(
      '210 ms|1.5 s|6 min 52 s|64,000|91.5%|2026-06-15 12:00 UTC',
    );
  });

  it('loads defaults per event with default.hbs as the fallback', () => {
    expect(defaultTemplateSource('slack', 'flow_completed')).toContain('*Output*');
    expect(defaultTemplateSource('slack', 'some_future_event')).toBe(defaultTemplateSource('slack', 'default'));
  });

  it('ships the generic default as a template equal to the built-in body', () => {
    for (const event of Object.values(SAMPLE_EVENTS)) {
      const text = runTemplate(defaultTemplateSource('generic', event.event), event, {}, 'generic', { strict: true }).text;
      expect(text).toBe(JSON.stringify(event));
    }
  });
});
