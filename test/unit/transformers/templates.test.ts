// Custom templates: refused at save with a location when broken, and at delivery replaced by the
// built-in default (with templateError set) when a real event breaks them.
import { describe, expect, it } from '@jest/globals';
import { defaultTemplateSource, TRANSFORMER_NAMES, TRANSFORMERS } from '../../../src/services/transformers/index.js';
import { SAMPLE_EVENTS } from '../../../src/services/transformers/samples.js';
import { runTemplate } from '../../../src/services/transformers/shared/templates.js';
import { TransformerError } from '../../../src/services/transformers/types.js';
import { CTX, eventWith, json, RAW_CONFIG, render } from '../../helpers/transformer-fixtures.js';

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

describe.each(TRANSFORMER_NAMES)('%s templates at save', (name) => {
  it('refuses an unclosed block, naming where it opens', () => {
    const error = refusal(name, 'Status:\n  {{#if}}\nmore');
    expect(error).toMatchObject({ code: 'invalid_template', field: 'template' });
    expect(error.message).toContain('line 2, column 3');
    expect(error.message).toContain('{{#if}} is never closed');
  });

  it('refuses a misspelt field under strict mode, with line and column', () => {
    const error = refusal(name, '{"a": 1}\n{{nosuchfield}}');
    expect(error.message).toMatch(/^line 2, column 3: "nosuchfield" is not a field/);
  });

  it('refuses a field missing from one of the five samples, naming the sample', () => {
    const error = refusal(name, '{{error.message}}');
    expect(error.message).toContain('"message"');
    expect(error.message).toMatch(/rendering the (flow_completed|agent_executed|dataset_updated|evaluation_completed) sample/);
  });

  it('refuses a helper called wrongly', () => {
    expect(refusal(name, '{{truncate output}}').message).toContain('truncate needs');
  });

  it('refuses a syntax error with its line', () => {
    expect(refusal(name, 'ok\nok {{foo bar=}}').message).toMatch(/^line 2, column \d+: syntax error/);
  });
});

describe('templates that pass the check', () => {
  it.each([
    ['slack', '{{#if output}}*Out:* {{slack (truncate output 100)}}{{/if}} {{@title}} {{@links.chatflow}}'],
    ['discord', '{{#with error}}**{{discord message}}**{{/with}}{{default chatflowName "none"}}'],
    ['teams', '{{teams @subject}} ({{@status}}) {{duration meta.duration_ms}}'],
    ['google-chat', '<b>{{html @headline}}</b>{{#if (eq event "error_occurred")}} {{html error.code}}{{/if}}'],
    ['pagerduty', '{{@headline}} in {{@subject}}'],
    ['generic', '{"type": {{json event}}, "output": {{json output}}, "flow": {{json chatflowName}} }'],
  ] as const)('%s accepts %s', (name, template) => {
    const transformer = TRANSFORMERS[name];
    expect(() => transformer.checkTemplate?.(template, transformer.parseConfig(RAW_CONFIG[name]))).not.toThrow();
  });

  it('explains the }}} trap of JSON templates', () => {
    expect(refusal('generic', '{"text": {{json output}}}').message).toMatch(/^line 1, column \d+: "}}}" closes .* leave a space/);
  });

  it('generic refuses a template whose result is not JSON', () => {
    expect(refusal('generic', '{"output": {{json output}},}').message).toContain('valid JSON');
    expect(refusal('pagerduty', '{{#if nothing}}x{{/if}}').message).toContain('empty summary');
  });
});

describe('custom templates at delivery', () => {
  // Every sample has `user`; a real event may not. Strict mode makes that an error, not a blank.
  const template = 'By {{user}}';
  const withoutUser = (): ReturnType<typeof eventWith> => {
    const event = eventWith('error_occurred');
    delete event.user;
    return event;
  };

  it.each(['slack', 'discord', 'teams', 'google-chat', 'pagerduty'] as const)(
    '%s falls back to the default message and records why',
    (name) => {
      const transformer = TRANSFORMERS[name];
      expect(() => transformer.checkTemplate?.(template, transformer.parseConfig(RAW_CONFIG[name]))).not.toThrow();
      const rendered = render(name, withoutUser(), { template });
      expect(rendered.templateError).toMatch(/line 1, column 6: "user" is not a field/);
      expect(rendered.body).toBe(render(name, withoutUser()).body);
      expect(render(name, eventWith('error_occurred'), { template }).body).toContain('By alice@company.com');
    },
  );

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
