// Settings validation for every transformer: a zod schema, and the first problem turned into a
// TransformerError naming the field, so the API can answer 400 with `field` and the page can
// point at the input. Messages never repeat the value: some settings are secrets.
import type { z } from 'zod';
import { TransformerError } from '../types.js';

export function parseSettings<T>(schema: z.ZodType<T>, raw: unknown, known: readonly string[]): Readonly<T> {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new TransformerError('invalid_config', 'transformer settings must be an object');
  }
  const result = schema.safeParse(raw ?? {});
  if (result.success) return Object.freeze(result.data);
  const issue = result.error.issues[0];
  if (issue.code === 'unrecognized_keys') {
    const list = known.length ? `known settings: ${known.join(', ')}` : 'this transformer has no settings';
    throw new TransformerError('invalid_config', `unknown setting "${issue.keys[0]}" (${list})`, issue.keys[0]);
  }
  const field = issue.path.map(String).join('.') || undefined;
  throw new TransformerError('invalid_config', field ? `${field}: ${issue.message}` : issue.message, field);
}

/** `url` with query parameters set (Discord `wait=true`, Google Chat `messageReplyOption`). */
export function withQuery(url: string, params: Record<string, string>): string {
  const parsed = new URL(url);
  for (const [key, value] of Object.entries(params)) parsed.searchParams.set(key, value);
  return parsed.toString();
}
