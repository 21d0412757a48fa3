// The rendered-size bound is kept while a template renders, whatever the text goes through:
// plain fields, triple-stash, helpers, blocks and loops, helpers inside helpers. A render is cut
// off at the first piece past the bound instead of building the whole body.
import { describe, expect, it } from '@jest/globals';
import { TRANSFORMER_NAMES, TRANSFORMERS } from '../../../src/services/transformers/index.js';
import { SAMPLE_EVENTS } from '../../../src/services/transformers/samples.js';
import { MAX_RENDERED_BYTES, RenderTooLarge, withRenderLimit } from '../../../src/services/transformers/shared/render-budget.js';
import { runTemplate } from '../../../src/services/transformers/shared/templates.js';
import type { ForjinnEvent } from '../../../src/services/transformers/types.js';
import { RAW_CONFIG } from '../../helpers/transformer-fixtures.js';

const event = (output: string): ForjinnEvent => ({ ...SAMPLE_EVENTS.flow_completed, output });
const repeat = (piece: string, n: number) => Array.from({ length: n }, () => piece).join('');
const BIG = event('x'.repeat(200_000));

function refused(template: string, ev: ForjinnEvent = BIG, maxRenderedBytes?: number): { error: unknown } {
  try {
    runTemplate(template, ev, { maxRenderedBytes }, 'generic', { strict: false });
  } catch (error) {
    return { error };
  }
  throw new Error(`rendered: ${template.slice(0, 60)}`);
}

describe('the rendered-size bound', () => {
  it.each([
    ['a helper, repeated', repeat('{{json output}}', 1000)],
    ['a plain field, repeated', repeat('{{output}}', 1000)],
    ['triple-stash, repeated', repeat('{{{output}}}', 1000)],
    ['inside a block (the block returns its text only at the end)', `{{#if output}}${repeat('{{output}}', 1000)}{{/if}}`],
    ['inside nested blocks', `{{#with this}}{{#if output}}{{#unless test}}${repeat('{{json output}}', 1000)}{{/unless}}{{/if}}{{/with}}`],
    ['inside a loop', `{{#each meta.node_trace}}${repeat('{{@root.output}}', 300)}{{/each}}`],
  ])('stops %s', (_what, template) => {
    // Speed belongs to the bench; what shows the render was cut early is that it is refused
    // instead of building 200 MB (the test process would run out of memory first).
    const { error } = refused(template);
    expect(error).toBeInstanceOf(RenderTooLarge);
    expect(error).toMatchObject({ code: 'render_error', field: 'template' });
    expect((error as Error).message).toContain('1 MiB (1048576 bytes)');
  });

  it('stops helpers inside helpers that grow a text without printing it', () => {
    // Each `json` of a run of quotes doubles it: 100,000 × 2^12 characters if nothing stopped it.
    const nested = `{{#if (eq (json ${repeat('(json ', 11)}output${')'.repeat(11)}) "x")}}no{{/if}}`;
    const { error } = refused(nested, event('"'.repeat(100_000)));
    expect(error).toBeInstanceOf(RenderTooLarge);
    expect((error as Error).message).toMatch(/blocks and helpers/);
  });

  it('counts UTF-8 bytes: multi-byte text past the bound in bytes is refused, under it rendered', () => {
    const limit = 4096;
    expect(refused('{{output}}', event('€'.repeat(1366)), limit).error).toBeInstanceOf(RenderTooLarge); // 4098 bytes
    expect(runTemplate('{{output}}', event('€'.repeat(1365)), { maxRenderedBytes: limit }, 'generic', { strict: false }).text).toHaveLength(1365);
  });

  it('renders a body of exactly the bound', () => {
    const text = runTemplate('{{output}}', event('x'.repeat(MAX_RENDERED_BYTES)), {}, 'generic', { strict: false }).text;
    expect(text).toHaveLength(MAX_RENDERED_BYTES);
    expect(refused('{{output}}!', event('x'.repeat(MAX_RENDERED_BYTES))).error).toBeInstanceOf(RenderTooLarge);
  });

  it('takes the limit from the render context, else from withRenderLimit, else the default', () => {
    const template = '{{output}}';
    const ev = event('x'.repeat(5000));
    expect(() => runTemplate(template, ev, {}, 'generic', { strict: false })).not.toThrow();
    expect(() => withRenderLimit(4096, () => runTemplate(template, ev, {}, 'generic', { strict: false }))).toThrow(/4 KiB \(4096 bytes\)/);
    expect(() => withRenderLimit(4096, () => runTemplate(template, ev, { maxRenderedBytes: 8192 }, 'generic', { strict: false }))).not.toThrow();
    // The scope ends with the call.
    expect(() => runTemplate(template, ev, {}, 'generic', { strict: false })).not.toThrow();
  });

  it('the loop budget still holds', () => {
    const payload = { ...BIG, ...Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`k${i}`, i])) } as ForjinnEvent;
    const { error } = refused('{{#each this}}{{#each @root}}{{#each @root}}x{{/each}}{{/each}}{{/each}}', payload);
    expect((error as Error).message).toMatch(/loops more than 20000 times/);
  });
});

describe.each(TRANSFORMER_NAMES)('%s: a custom template past the bound', (name) => {
  it('fails the render instead of falling back to the built-in template', () => {
    const transformer = TRANSFORMERS[name];
    const config = transformer.parseConfig(RAW_CONFIG[name]);
    // PagerDuty renders a template for triggers only (a completed flow resolves).
    const [type, field] = name === 'pagerduty' ? (['error_occurred', 'error.message'] as const) : (['flow_completed', 'output'] as const);
    const big = structuredClone(SAMPLE_EVENTS[type]) as ForjinnEvent & { error?: { message: string } };
    if (type === 'error_occurred') big.error!.message = 'x'.repeat(200_000);
    else big.output = 'x'.repeat(200_000);
    // Small on the samples: accepted at save.
    const template = name === 'generic' ? `[${repeat(`{{json ${field}}},`, 999)}{{json ${field}}}]` : repeat(`{{${field}}} `, 1000);
    expect(() => transformer.checkTemplate?.(template, config, [type])).not.toThrow();
    expect(() => transformer.render(big, config, { webhookUrl: 'https://example.com/hook' }, template)).toThrow(RenderTooLarge);
  });
});
