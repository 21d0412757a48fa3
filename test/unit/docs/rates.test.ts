// docs/transformers.md's table of send rates says what each target of the registry declares
// (Transformer.rate, the one source the worker paces to): its vendor's page, or that it is not paced.
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRANSFORMER_NAMES, TRANSFORMERS } from '../../../src/services/transformers/index.js';

const text = readFileSync(fileURLToPath(new URL('../../../docs/transformers.md', import.meta.url)), 'utf8');

describe('docs/transformers.md send rates', () => {
  it.each([...TRANSFORMER_NAMES])('%s: its row gives its declared rate\'s page, or says it is not paced', (name) => {
    const row = text.split('\n').find((line) => line.startsWith(`| ${name} | `));
    const rate = TRANSFORMERS[name].rate;
    expect([name, row === undefined]).toEqual([name, false]);
    if (rate) {
      expect(row).toContain(`<${rate.doc}>`);
      expect(row).not.toContain('not paced');
    } else expect(row).toContain('not paced');
  });
});
