// zod → ApiError: the first issue names the field; every issue is listed in details.
import type { z } from 'zod';
import { ApiError } from '../errors.js';

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
