// The output bound of one render. Templates are user input and so are payloads: 1,000 ×
// {{json output}} (16 KB of template) against one 200,000-character output rendered 200 MB,
// which was sent and stored whole and held the embedded database for minutes. The loop budget
// (helpers.ts) never saw it: there is no loop. So the text a template adds to its output, at
// every nesting level, and the text every helper returns, is counted as it is produced, and the
// render stops at the first piece past the bound, long before the 200 MB exist.
import type Handlebars from 'handlebars';
import { TransformerError } from '../types.js';
import { MAX_RENDERED_BYTES } from '../../../core/config.js';

// The default limit lives with the configuration (core/config.ts): one number for both.
export { MAX_RENDERED_BYTES };

/**
 * Text counts once at each level it passes through (an {{#each}} inside an {{#if}} counts its
 * text three times: in the loop, in the if, in the message) and helper results count as well as
 * where they are printed. Eight times the bound leaves real templates far from it and keeps a
 * render's memory to a few times the bound, whatever the nesting (`json` of `json` of … doubles
 * a text at each level without printing it).
 */
const WORK_FACTOR = 8;

/**
 * Compiled templates reach the counter through their @data (see countingCompiler), under a name
 * no template can spell: templates with NUL are refused (util/validate.ts), so `@…` never finds it.
 */
export const OUTPUT_COUNTER = '\u0000output';

/** A render past the bound: a delivery fails with it (not sent, not retried), save and preview answer 400. */
export class RenderTooLarge extends TransformerError {
  constructor(message: string) {
    super('render_error', message, 'template');
    this.name = 'RenderTooLarge';
  }
}

/** 1048576 → "1 MiB (1048576 bytes)", 5000 → "5000 bytes". */
export function describeBytes(bytes: number): string {
  const unit = bytes % (1024 * 1024) === 0 ? [1024 * 1024, 'MiB'] : bytes % 1024 === 0 ? [1024, 'KiB'] : undefined;
  return unit ? `${bytes / (unit[0] as number)} ${unit[1]} (${bytes} bytes)` : `${bytes} bytes`;
}

// Rendering is synchronous: one render's counts are read and reset around its one call.
let limit = MAX_RENDERED_BYTES;
let printed = 0;
let produced = 0;
let scopedLimit: number | undefined;

function tooLarge(): never {
  throw new RenderTooLarge(`the template renders more than ${describeBytes(limit)}, the limit of one message`);
}

function overWork(): never {
  throw new RenderTooLarge(
    `the template produces more than ${describeBytes(limit * WORK_FACTOR)} of text in its blocks and helpers; ` +
      `the limit of one message is ${describeBytes(limit)}`,
  );
}

/** Starts counting one render against `bytes` (else the limit of withRenderLimit, else the default). */
export function startRender(bytes?: number): void {
  limit = bytes ?? scopedLimit ?? MAX_RENDERED_BYTES;
  printed = 0;
  produced = 0;
}

/** Text a helper returned: it may never be printed, but it was built. */
export function countProduced(text: string): void {
  produced += text.length;
  if (produced > limit * WORK_FACTOR) overWork();
}

/**
 * Called by compiled templates with every piece they append to an output; `top` marks the
 * template's own output (not a block's). UTF-8 has at least one byte per UTF-16 unit, so
 * counting units never stops a render that would fit; endRender checks the bytes exactly.
 */
function countAppended(value: unknown, top?: number): string {
  const text = '' + (value as string); // what `buffer += value` makes of it
  produced += text.length;
  if (top === 1) {
    printed += text.length;
    if (printed > limit) tooLarge();
  }
  if (produced > limit * WORK_FACTOR) overWork();
  return text;
}

/** The @data entry runTemplate passes. */
export const outputCounter = { [OUTPUT_COUNTER]: countAppended };

/** The rendered text, once it is checked in bytes. */
export function endRender(text: string): string {
  if (text.length > limit || Buffer.byteLength(text, 'utf8') > limit) tooLarge();
  return text;
}

/**
 * Runs `fn` (save-time checks, previews) with renders bounded by `bytes` unless their context
 * says otherwise: checkTemplate has no render context to carry the setting.
 */
export function withRenderLimit<T>(bytes: number | undefined, fn: () => T): T {
  const outer = scopedLimit;
  scopedLimit = bytes;
  try {
    return fn();
  } finally {
    scopedLimit = outer;
  }
}

// Handlebars' typings do not declare the compiler; what is used of it.
interface CompilerInstance {
  isChild: boolean;
  compiler: unknown;
  appendToBuffer(source: unknown, location?: unknown, explicit?: boolean): unknown;
}
interface CompilerClass {
  new (): CompilerInstance;
  prototype: CompilerInstance;
}

/**
 * Handlebars' documented extension point (an environment's JavaScriptCompiler): every append to
 * an output buffer, literal text included, goes through `data[OUTPUT_COUNTER](piece)`, and the
 * template's own (not a block's) with a second argument 1. Only this environment is changed.
 */
export function countingCompiler(env: typeof Handlebars): void {
  const Base = (env as unknown as { JavaScriptCompiler: CompilerClass }).JavaScriptCompiler;
  const baseAppend = Base.prototype.appendToBuffer;
  const Counting = class extends Base {} as unknown as CompilerClass;
  Counting.prototype.compiler = Counting;
  Counting.prototype.appendToBuffer = function (this: CompilerInstance, source: unknown, location?: unknown, explicit?: boolean) {
    const call = [`data[${JSON.stringify(OUTPUT_COUNTER)}](`, source, this.isChild ? ')' : ', 1)'];
    return baseAppend.call(this, call, location, explicit);
  };
  (env as unknown as { JavaScriptCompiler: CompilerClass }).JavaScriptCompiler = Counting;
}
