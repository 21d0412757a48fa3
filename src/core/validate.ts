// zod → ApiError: the first issue names the field; every issue is listed in details.
import type { z } from 'zod';
import { ApiError, invalid } from './errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const nul = fieldWithNul(input);
  if (nul !== undefined) {
    const field = [prefix, nul].filter(Boolean).join('.') || '(body)';
    throw new ApiError('validation_error', `${field}: must not contain NUL (\\u0000) characters`, field, [{ field, message: 'must not contain NUL (\\u0000) characters' }]);
  }
  const result = schema.safeParse(input === undefined ? {} : input);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => {
    const field = [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)';
    let message = i.message;
    if (i.code === 'unrecognized_keys') message = `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}`;
    if (i.code === 'invalid_type' && /received undefined/.test(i.message)) message = 'is required';
    return { field, message };
  });
  const first = details[0];
  return raise(new ApiError('validation_error', `${first.field}: ${first.message}`, first.field, details));
}

function raise(e: ApiError): never {
  throw e;
}

/**
 * PostgreSQL text and jsonb cannot hold NUL (U+0000): a string or key with one is refused here,
 * naming its field, rather than failing in the database as a 500. Iterative with parent links:
 * inputs may be nested thousands deep.
 */
function fieldWithNul(input: unknown): string | undefined {
  const nodes: Array<{ value: unknown; key: string; parent: number }> = [{ value: input, key: '', parent: -1 }];
  const path = (i: number, last?: string): string => {
    const keys = last === undefined ? [] : [last];
    for (let at = i; at > 0; at = nodes[at].parent) keys.unshift(nodes[at].key);
    return keys.map((k) => k.replace(/\u0000/g, '\\u0000')).join('.');
  };
  for (let i = 0; i < nodes.length; i++) {
    const { value } = nodes[i];
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return path(i);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key.includes('\u0000')) return path(i, key);
        nodes.push({ value: child, key, parent: i });
      }
    }
  }
  return undefined;
}

/**
 * How deep a JSON body may nest, counting the body itself as level 1. Code downstream recurses
 * (JSON.stringify overflows the stack at about 5,000 levels: a 500 before this check, and a
 * whole batch lost for one such event); real events nest a dozen levels at most, so 128 leaves
 * them room and stays far from any stack.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Refuses a parsed body nested deeper than `limit`, naming the top-level field that is (the
 * body itself when it is an array). Iterative, and stops at the first level past the limit.
 */
export function checkJsonDepth(value: unknown, limit = MAX_JSON_DEPTH): void {
  if (value === null || typeof value !== 'object') return;
  const tooDeep = (field: string) => invalid(field, `is nested more than ${limit} levels deep (the limit for JSON bodies)`);
  if (Array.isArray(value)) {
    if (deeperThan(value, limit)) throw tooDeep('(body)');
    return;
  }
  for (const [key, child] of Object.entries(value)) if (deeperThan(child, limit - 1)) throw tooDeep(key);
}

/** Whether a value nests more than `max` objects and arrays, itself included. */
function deeperThan(value: unknown, max: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [1];
  while (values.length) {
    const v = values.pop();
    const depth = depths.pop() as number;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(v)) {
      if (child !== null && typeof child === 'object') {
        values.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

/**
 * A time PostgreSQL can store and compare: JavaScript dates reach year -271821, timestamptz
 * only 4713 BC, and a cursor or `since` past that was a 500 from the database. Years 1 to 9999
 * hold every time this API hands out or a caller means.
 */
export function storableTime(raw: string): Date | undefined {
  const at = new Date(raw);
  const year = at.getUTCFullYear();
  return Number.isNaN(at.getTime()) || year < 1 || year > 9999 ? undefined : at;
}
