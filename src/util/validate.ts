// zod → ApiError: the first issue names the field; every issue is listed in details.
import type { z } from 'zod';
import { ApiError } from '../errors.js';

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
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
