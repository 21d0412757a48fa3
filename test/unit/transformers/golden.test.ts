// Golden files: the rendered body of every transformer for each of the five fixture events, with a
// fixed render context. A change in what a target receives shows up as a diff in review. Whether a
// body keeps its vendor's rules is vendor-validators.test.ts's (the vendors' code and numbers).
// Regenerate with `UPDATE_GOLDEN=1 npm test -- test/unit/transformers/golden` and read the diff.
import { describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TRANSFORMER_NAMES } from '../../../src/services/transformers/index.js';
import { SAMPLE_EVENTS } from '../../../src/services/transformers/samples.js';
import { EVENT_TYPES } from '../../../src/services/transformers/types.js';
import { render } from '../../helpers/transformer-fixtures.js';

const DIR = fileURLToPath(new URL('../../fixtures/expected/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const CASES = TRANSFORMER_NAMES.flatMap((name) => EVENT_TYPES.map((type) => [name, type] as const));

describe('golden files: every transformer × every fixture event', () => {
  it.each(CASES)('%s / %s renders as test/fixtures/expected', (name, type) => {
    // The fixtures' context is fixed (appUrl, publicUrl, webhook and delivery ids); Slack has no
    // bot token so it renders in incoming-webhook mode; PagerDuty has a fixed routing key.
    const rendered = render(name, structuredClone(SAMPLE_EVENTS[type]));
    const body = JSON.parse(rendered.body);
    expect(rendered.templateError).toBeUndefined();

    const file = `${DIR}${name}/${type}.json`;
    if (UPDATE) {
      mkdirSync(`${DIR}${name}`, { recursive: true });
      writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    }
    // A missing file is a failure, not a skip: run with UPDATE_GOLDEN=1 to create it.
    expect(existsSync(file)).toBe(true);
    expect(body).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  });

  it('holds no stale golden file for a transformer or event that no longer exists', () => {
    const found = readdirSync(DIR).flatMap((name) => readdirSync(`${DIR}${name}`).map((file) => `${name}/${file}`));
    expect(found.sort()).toEqual(CASES.map(([name, type]) => `${name}/${type}.json`).sort());
  });
});
