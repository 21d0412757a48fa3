// Files the package ships beside its code (migrations/, templates/, samples/), found from here
// upwards: the same lookup works from src/ (tsx, tests) and from a compiled build one level deeper.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The absolute path of `relative` (a folder at the package root), with a trailing slash. */
export function packageDir(relative: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, relative))) return join(dir, relative, '/');
    if (dirname(dir) === dir) throw new Error(`${relative} not found beside the package`);
  }
}
