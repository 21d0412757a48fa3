// The package's version, from its package.json (found as the shipped files are: core/package-files.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageDir } from '../../core/package-files.js';

let version: string | undefined;

export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(join(packageDir('.'), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
