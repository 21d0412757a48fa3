// Thin wrapper over node:util parseArgs: unknown flags and missing values are usage errors.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A failure the command explains itself: its message is printed as is; exit 2 (usage or input) unless told otherwise. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\nusage: ${usage}`);
  }
}

export function required(value: string | undefined, flag: string, usage: string): string {
  if (!value) throw new CliError(`missing ${flag}\n\nusage: ${usage}`);
  return value;
}
