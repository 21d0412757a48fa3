// The registry is the one list of targets: a list of them written in prose (README, docs/, the
// glossary, package.json, the page and the Slack app) must name every target or name none.
// docs/transformers.md has a row and a section per target, in the registry's order. A line names
// "a list" when it names three targets or more, by their vendor (answers.vendor: Slack, Teams, …).
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRANSFORMER_NAMES, TRANSFORMERS } from '../../../src/services/transformers/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(`${ROOT}${path}`, 'utf8');

const FILES = [
  'README.md',
  'package.json',
  'src/core/GLOSSARY.md',
  'slack/manifest.yml',
  // docs/transformers.md names targets in passing (whose rate limits, whose URLs); its rows and sections are checked below.
  ...readdirSync(`${ROOT}docs`).filter((f) => f.endsWith('.md') && f !== 'transformers.md').map((f) => `docs/${f}`),
  ...readdirSync(`${ROOT}src/doors/web/client`).filter((f) => f.endsWith('.ts')).map((f) => `src/doors/web/client/${f}`),
  ...readdirSync(`${ROOT}src/doors/slack`).filter((f) => f.endsWith('.ts')).map((f) => `src/doors/slack/${f}`),
];

/** Each target with a vendor, by it (the plain receiver has none). */
const VENDORS = TRANSFORMER_NAMES.flatMap((name) => (TRANSFORMERS[name].answers.vendor ? [TRANSFORMERS[name].answers.vendor as string] : []));

describe('prose lists of targets agree with the registry', () => {
  it('knows a vendor for every target but the plain receiver', () => {
    expect(VENDORS.length).toBe(TRANSFORMER_NAMES.filter((name) => !TRANSFORMERS[name].signed).length);
  });

  it.each(FILES)('%s: a line naming three targets or more names them all', (file) => {
    const partial = read(file)
      .split('\n')
      .map((line, i) => ({ line: i + 1, named: VENDORS.filter((v) => line.includes(v)) }))
      .filter(({ named }) => named.length >= 3 && named.length < VENDORS.length)
      .map(({ line, named }) => ({ line, missing: VENDORS.filter((v) => !named.includes(v)) }));
    expect([file, partial]).toEqual([file, []]);
  });

  it('docs/transformers.md has a row in its table and a section for every target, in the registry\'s order', () => {
    const text = read('docs/transformers.md');
    const rows = [...text.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    const sections = [...text.matchAll(/^### ([a-z0-9-]+)$/gm)].map((m) => m[1]);
    expect(rows).toEqual([...TRANSFORMER_NAMES]);
    expect(sections).toEqual([...TRANSFORMER_NAMES]);
  });
});
