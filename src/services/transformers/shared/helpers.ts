// The Handlebars environment every template runs in: isolated (helpers registered here never leak
// into another Handlebars user in the process), and without HTML escaping, because HTML escaping
// is wrong for every target (Slack shows `&quot;`, and it does not make a JSON string safe).
// Templates escape on purpose with each target's own helpers (`{{slack …}}`, `{{teams …}}`), which
// the target declares in its folder (Transformer.helpers) and the registry registers here.
import Handlebars from 'handlebars';
import type { TemplateHelper } from '../types.js';
import {
  fence,
  formatDuration,
  formatNumber,
  formatPercent,
  formatTime,
  oneLine,
  truncate,
} from './text.js';
import { countingCompiler, countProduced } from './render-budget.js';

export const hbs = Handlebars.create();
// Every piece of output is counted against the rendered-size bound as it is produced.
countingCompiler(hbs);
// Handlebars' built-in `log` writes to the console: a template (user input) must not write into
// the service's output, where it could pass for the service's own log lines.
hbs.unregisterHelper('log');

// Prototype access stays denied (Handlebars' default since 4.6): templates are user input, and
// `{{constructor.constructor}}`-style lookups were how Handlebars templates used to run code.
export const RUNTIME_OPTIONS: Handlebars.RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

/**
 * Set by `truncate` while a template renders. Rendering is synchronous, so one flag read right
 * after the call belongs to that render; it lets the transformer report the field as cut.
 */
let cutDuringRender = false;

export function resetCut(): void {
  cutDuringRender = false;
  loopIterations = 0;
}

// Loop budget of one render. Templates are user input and so are payloads: three nested #each
// over a 400-element array is 64 million iterations, which held the process for most of a
// minute. No real message needs more than this; a render past it fails (and a delivery falls
// back to the built-in template, as for any template error). What loops print is bounded with
// every other output by render-budget.ts.
export const MAX_LOOP_ITERATIONS = 20_000;
let loopIterations = 0;

const builtinEach = hbs.helpers.each as Handlebars.HelperDelegate;
hbs.registerHelper('each', function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
  const fn = options.fn;
  const counted = ((value: unknown, opts?: Handlebars.RuntimeOptions) => {
    if (++loopIterations > MAX_LOOP_ITERATIONS) throw new Error(`the template loops more than ${MAX_LOOP_ITERATIONS} times in one message`);
    return fn(value, opts);
  }) as Handlebars.TemplateDelegate;
  return builtinEach.call(this, context, { ...options, fn: counted });
});

export function wasCut(): boolean {
  return cutDuringRender;
}

/** Any value as text: null and undefined are empty, objects are JSON (never "[object Object]"). */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

type Plain = (...args: unknown[]) => unknown;

/** Registers `fn` with the Handlebars options argument removed, so helpers see only their args. */
function helper(name: string, arity: number, fn: Plain, usage: string): void {
  // A target's helper may not replace Handlebars' own, a shared one or another target's.
  if (Object.hasOwn(hbs.helpers, name)) throw new Error(`the template helper {{${name}}} is registered twice`);
  hbs.registerHelper(name, (...raw: unknown[]) => {
    const args = raw.slice(0, -1);
    if (args.length < arity) throw new Error(`${name} needs ${arity} argument${arity > 1 ? 's' : ''}: ${usage}`);
    const out = fn(...args);
    // Counted even when only passed on: `json` of `json` of … doubles a text at each level.
    if (typeof out === 'string') countProduced(out);
    return out;
  });
}

const text1 = (f: (s: string) => string) => (v: unknown) => f(asText(v));

/** A target's escaping helper: `{{name text}}` is `escape(text)` (for Transformer.helpers). */
export function textHelper(name: string, escape: (text: string) => string, usage = `{{${name} output}}`): TemplateHelper {
  return { name, arity: 1, fn: text1(escape), usage };
}

/** Registers a target's helpers (the registry does, for each target it lists). */
export function registerTemplateHelpers(helpers: readonly TemplateHelper[] = []): void {
  for (const h of helpers) helper(h.name, h.arity, h.fn, h.usage);
}

// Escaping a JSON value; each target's markup escaping is the target's (Transformer.helpers).
// Escape after truncating (escaping lengthens text).
helper('json', 1, (v) => JSON.stringify(v === undefined ? null : v), '{{json output}} gives a JSON value');

// Shaping text.
helper(
  'truncate',
  2,
  (v, max) => {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw new Error('truncate needs a whole number of characters: {{truncate output 500}}');
    }
    const result = truncate(asText(v), max);
    if (result.cut) cutDuringRender = true;
    return result.text;
  },
  '{{truncate output 500}}',
);
helper('oneline', 1, text1(oneLine), '{{oneline input}}');
helper('fence', 1, text1(fence), '{{fence (slack output)}}');
helper('duration', 1, (v) => formatDuration(v), '{{duration meta.duration_ms}}');
helper('number', 1, (v) => formatNumber(v), '{{number meta.token_usage}}');
helper('percent', 1, (v) => formatPercent(v), '{{percent metrics.pass_rate}}');
helper('date', 1, (v) => formatTime(v), '{{date timestamp}}');
helper(
  'default',
  2,
  (v, fallback) => (v === undefined || v === null || v === '' ? fallback : v),
  '{{default chatflowName chatflowId}}',
);

// Comparisons for {{#if (eq status "failure")}}.
helper('eq', 2, (a, b) => a === b, '{{#if (eq status "failure")}}');
helper('ne', 2, (a, b) => a !== b, '{{#if (ne status "success")}}');
helper('gt', 2, (a, b) => typeof a === 'number' && typeof b === 'number' && a > b, '{{#if (gt metrics.failed 0)}}');
helper('lt', 2, (a, b) => typeof a === 'number' && typeof b === 'number' && a < b, '{{#if (lt metrics.pass_rate 0.9)}}');
hbs.registerHelper('and', (...raw: unknown[]) => raw.slice(0, -1).every(Boolean));
hbs.registerHelper('or', (...raw: unknown[]) => raw.slice(0, -1).some(Boolean));
helper('not', 1, (v) => !v, '{{#if (not output)}}');

/** The helper names registered so far (the registry's HELPER_NAMES: once the targets' are in). */
export function helperNames(): readonly string[] {
  return Object.freeze(Object.keys(hbs.helpers).sort());
}
