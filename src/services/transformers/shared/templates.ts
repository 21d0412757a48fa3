// Default templates (read from templates/<target>/ once, at module load), compiling with a cache,
// rendering with the built-in default as the fallback, and the save-time check of custom templates.
import { readdirSync, readFileSync } from 'node:fs';
import { packageDir } from '../../../core/package-files.js';
import { SAMPLE_EVENTS } from '../samples.js';
import { EVENT_TYPES, TransformerError, type ForjinnEvent, type RenderContext } from '../types.js';
import { describeTemplateError } from './template-errors.js';
import { viewEvent, type EventView } from './event-view.js';
import { hbs, resetCut, RUNTIME_OPTIONS, wasCut } from './helpers.js';
import { endRender, outputCounter, RenderTooLarge, startRender } from './render-budget.js';

/** A template lays out one message; 50,000 characters is far past any real one and bounds compile time. */
export const MAX_TEMPLATE_CHARS = 50_000;

/** Compiled templates kept per source text; past this many the oldest are dropped. */
const COMPILE_CACHE_SIZE = 200;

const TEMPLATE_ROOT = packageDir('templates');

const defaults = new Map<string, ReadonlyMap<string, string>>();

/** Reads templates/<target>/*.hbs; `default.hbs` is required (the fallback for any event type). */
export function loadDefaultTemplates(target: string): ReadonlyMap<string, string> {
  const cached = defaults.get(target);
  if (cached) return cached;
  const dir = `${TEMPLATE_ROOT}${target}/`;
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    if (name.endsWith('.hbs')) files.set(name.slice(0, -4), readFileSync(`${dir}${name}`, 'utf8'));
  }
  if (!files.has('default')) throw new Error(`templates/${target}/default.hbs is missing`);
  defaults.set(target, files);
  return files;
}

/** The built-in template a target uses for an event type (its own file, else default.hbs). */
export function defaultTemplateSource(target: string, eventType: string): string {
  const files = loadDefaultTemplates(target);
  return files.get(eventType) ?? (files.get('default') as string);
}

/**
 * A webhook's template setting: one template for every event type, or one per event type (the
 * built-in default renders the types a map leaves out). Null or absent: the built-in ones.
 */
export type TemplateSetting = string | Readonly<Partial<Record<string, string>>> | null | undefined;

/** The custom template an event of `eventType` renders with, or undefined for the built-in one. */
export function templateFor(setting: TemplateSetting, eventType: string): string | undefined {
  if (setting === null || setting === undefined) return undefined;
  if (typeof setting === 'string') return setting;
  return Object.hasOwn(setting, eventType) ? setting[eventType] : undefined;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

function compile(source: string, strict: boolean): HandlebarsTemplateDelegate {
  const key = `${strict ? 's' : 'l'}:${source}`;
  let template = compiled.get(key);
  if (!template) {
    // Handlebars compiles lazily; parse now so a syntax error surfaces here with its location.
    hbs.parse(source);
    template = hbs.compile(source, { noEscape: true, strict });
    if (compiled.size >= COMPILE_CACHE_SIZE) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, template);
  }
  return template;
}

export interface TemplateRun {
  text: string;
  /** A `truncate` in the template cut something. */
  cut: boolean;
  /** Set when a custom template failed and the built-in default was rendered instead. */
  templateError?: string;
}

/**
 * Renders `source` against an event. The root is the event (plus `test: true` on test
 * deliveries); what is not in the event comes as @data: @title, @headline, @subject, @status,
 * @links.chatflow, @links.deliveries, @test, @webhookId, @deliveryId, @target.
 */
export function runTemplate(
  source: string,
  event: ForjinnEvent,
  ctx: RenderContext,
  target: string,
  options: { strict: boolean; view?: EventView },
): TemplateRun {
  const view = options.view ?? viewEvent(event, ctx);
  const data = {
    title: view.title,
    headline: view.headline,
    subject: view.subject,
    status: view.status,
    links: view.linkUrls,
    test: ctx.test === true,
    webhookId: ctx.webhookId ?? null,
    deliveryId: ctx.deliveryId ?? null,
    target,
    ...outputCounter,
  };
  const root = ctx.test ? { ...event, test: true } : event;
  const template = compile(source, options.strict);
  resetCut();
  startRender(ctx.maxRenderedBytes);
  const text = endRender(template(root, { ...RUNTIME_OPTIONS, data }));
  return { text, cut: wasCut() };
}

/**
 * The text a target wraps: the custom template when it renders and `accept` takes its result,
 * else the built-in default, with the reason the custom one was passed over in templateError.
 * Custom templates run in strict mode at delivery as at save: a field the template needs but the
 * event lacks is an error (and a default message), not a silent blank. A render past the size
 * bound is not passed over: the delivery fails with it (RenderTooLarge), as the preview did.
 */
export function renderText(
  target: string,
  event: ForjinnEvent,
  ctx: RenderContext,
  view: EventView,
  custom: string | undefined,
  accept?: (text: string) => void,
): TemplateRun {
  if (custom !== undefined && custom.trim() !== '') {
    try {
      const run = runTemplate(custom, event, ctx, target, { strict: true, view });
      accept?.(run.text);
      return run;
    } catch (err) {
      if (err instanceof RenderTooLarge) throw err;
      const fallback = runTemplate(defaultTemplateSource(target, event.event), event, ctx, target, { strict: false, view });
      return { ...fallback, templateError: describeTemplateError(err, custom) };
    }
  }
  return runTemplate(defaultTemplateSource(target, event.event), event, ctx, target, { strict: false, view });
}

/** Links present, test off: what a real delivery of a configured service sees. */
const SAMPLE_CONTEXT: RenderContext = {
  appUrl: 'https://forjinn.example.com',
  publicUrl: 'https://webhooks.example.com',
  webhookId: 'wh_sample',
  deliveryId: 'dlv_sample',
};

/**
 * Save-time check: the template must compile and render (strict: a misspelt field is an error)
 * against all five sample events, and `accept` must take each result.
 * Throws TransformerError('invalid_template') with line and column where Handlebars gives them.
 */
/** `events`: the types the webhook subscribes to (all five when absent or when it takes "*"). */
export function checkTemplateSource(target: string, source: string, accept?: (text: string) => void, events?: readonly string[]): void {
  if (typeof source !== 'string') throw new TransformerError('invalid_template', 'template must be a string', 'template');
  if (source.length > MAX_TEMPLATE_CHARS) {
    throw new TransformerError('invalid_template', `template is longer than ${MAX_TEMPLATE_CHARS} characters`, 'template');
  }
  try {
    compile(source, true);
  } catch (err) {
    throw new TransformerError('invalid_template', describeTemplateError(err, source), 'template');
  }
  const types = events && events.length && !events.includes('*') ? EVENT_TYPES.filter((t) => events.includes(t)) : EVENT_TYPES;
  for (const type of types) {
    try {
      // Rendered first: `accept?.(render())` would skip the render when there is no accept.
      const { text } = runTemplate(source, SAMPLE_EVENTS[type], SAMPLE_CONTEXT, target, { strict: true });
      accept?.(text);
    } catch (err) {
      const reason = err instanceof TransformerError ? err.message : describeTemplateError(err, source);
      throw new TransformerError('invalid_template', `${reason} (rendering the ${type} sample)`, 'template');
    }
  }
}
