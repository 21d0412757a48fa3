// Slash command text → words and flags. Slack sends the text as typed, except that it escapes
// &, < and > as HTML entities, may wrap links as <https://…> or <https://…|label>, and some
// clients turn straight quotes into curly ones.
import { parseArgs } from 'node:util';

/** A command the user typed wrong: answered with the message and the command's usage. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };
const decode = (s: string): string => s.replace(/&(amp|lt|gt);/g, (m) => ENTITIES[m]);

/** `<https://x|label>` → `https://x`; `<#C0123|general>` → `#C0123`; anything else as it is. */
function unwrap(word: string): string {
  const m = /^<([^|>]+)(?:\|[^>]*)?>$/.exec(word);
  return decode(m ? m[1] : word);
}

/** Splits on white space; "double" or “curly” quotes keep spaces inside one word. */
export function tokenize(text: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  for (const m of text.matchAll(re)) {
    if (m[3] !== undefined) words.push(unwrap(m[3]));
    else words.push(decode(m[1] ?? m[2] ?? ''));
  }
  return words;
}

/** The flags a Slack command accepts: strings only, some repeatable. */
export type FlagOptions = Record<string, { type: 'string'; multiple?: boolean }>;

/** What `parseFlags` answers: parseArgs' own result for these flags (named here so the build can declare it). */
export type ParsedFlags<O extends FlagOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

/** node:util parseArgs with its messages shortened to what a Slack user needs. */
export function parseFlags<O extends FlagOptions>(words: string[], options: O, usage: string): ParsedFlags<O> {
  try {
    return parseArgs({ args: words, options, allowPositionals: true, strict: true });
  } catch (e) {
    // "Unknown option '--x'. To specify a positional argument …": the first sentence says it.
    const first = (e as Error).message.split(/\.\s/)[0].replace(/\.$/, '');
    throw new UsageError(first, usage);
  }
}

/** The single value of a flag given once, or the last one when given several times. */
export const last = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);

/** A list flag given as `--chatflow a --chatflow b` or `--chatflow a,b`. */
export function listFlag(v: string | string[] | undefined): string[] {
  const all = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return all.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}
