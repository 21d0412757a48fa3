// What hostile clients send, as fast-check arbitraries, and a JSON writer that keeps what
// JavaScript objects would lose: literal "__proto__" keys, duplicate keys, NUL bytes, lone
// surrogates, deep nesting. Values are trees of [key, value] entries, written as JSON text.
import fc from 'fast-check';

export type Tree = null | boolean | number | string | Tree[] | { entries: Array<[string, Tree]> };

export function toJson(t: Tree): string {
  if (t === null || typeof t === 'boolean' || typeof t === 'number') return JSON.stringify(t);
  if (typeof t === 'string') return JSON.stringify(t);
  if (Array.isArray(t)) return `[${t.map(toJson).join(',')}]`;
  return `{${t.entries.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
}

/** An object of the given entries, then the overrides (later keys win when JSON.parse reads them). */
export const obj = (base: Record<string, Tree>, extra: Array<[string, Tree]> = []): Tree => ({ entries: [...Object.entries(base), ...extra] });

export const NASTY = ['\u0000', 'a\u0000b', '\ud800', '\udfff', '\u202e', '\ufeff', '\u2028\u2029', '🔥'.repeat(3), 'é\u0301', '\r\n\t', '{{', '}}', '${x}', '%s%n', '../../etc/passwd', '<script>', "' or 1=1 --", '\\', '"'];
export const POISON_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'then', ''];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('x', '\u0000', 'é', '🔥'), fc.integer({ min: 1_000, max: 150_000 })).map(([c, n]) => c.repeat(n)) },
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(fc.constantFrom(...POISON_KEYS), fc.string({ unit: 'binary', maxLength: 12 }));

const scalar: fc.Arbitrary<Tree> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e-308, 2 ** 53 + 1, 0.1),
  fc.boolean(),
  fc.constant(null),
);

export const hostileValue: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.array(fc.tuple(hostileKey, tie('tree')), { maxLength: 4 }).map((entries) => ({ entries })),
  ),
})).tree;

/** Arrays or objects nested `depth` deep (JSON text; far deeper than anything real). */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 100, max: 20_000 }), fc.boolean())
  .map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Bodies that are not what the endpoint wants at all: broken JSON, other JSON, deep nesting. */
export const junkBody: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json(),
  fc.json().chain((j) => fc.integer({ min: 0, max: Math.max(0, j.length - 1) }).map((n) => j.slice(0, n))),
  hostileValue.map(toJson),
  deepNesting,
  fc.constantFrom('', 'null', '[]', '"x"', '1e999', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '\u0000', '{"a":1,"a":2}'),
);

/** A valid body with one to three fields replaced by hostile values (or hostile keys added). */
export function mutated(base: Record<string, Tree>, fields: string[]): fc.Arbitrary<string> {
  const overrides = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...fields), hostileKey), hostileValue), { minLength: 1, maxLength: 3 });
  return overrides.map((extra) => toJson(obj(base, extra)));
}

/** Fixed hostile values tried in every field (the random ones seldom land each in each). */
export const NASTY_VALUES: Tree[] = [
  ...NASTY,
  'x'.repeat(300_000),
  1,
  -1.5,
  true,
  null,
  [],
  ['\u0000'],
  { entries: [] },
  { entries: [['__proto__', { entries: [['polluted', true]] }]] },
  { entries: [['constructor', { entries: [['prototype', { entries: [['polluted', true]] }]] }]] },
  { entries: [['\u0000', 1]] },
];

/** Everything the prototype of a plain object has, to check that nothing was added to it. */
export function prototypeSnapshot(): string {
  const names = (o: object) => Object.getOwnPropertyNames(o).sort().join(',');
  return [names(Object.prototype), names(Array.prototype), names(Function.prototype), String(({} as Record<string, unknown>).polluted)].join('|');
}
