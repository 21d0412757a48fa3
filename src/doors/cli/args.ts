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

/** The options a command accepts, in node:util parseArgs' form. */
export type ArgOptions = NonNullable<ParseArgsConfig['options']>;

/** What `parse` answers: parseArgs' own result for these options (named here so the build can declare it). */
export type ParsedArgs<O extends ArgOptions> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>>;

export function parse<O extends ArgOptions>(args: string[], options: O, usage: string): ParsedArgs<O> {
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
