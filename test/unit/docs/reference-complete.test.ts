// The reference docs list every route the API serves and every command the CLI has: a route or
// command added without its line in docs/api.md or docs/cli.md fails here.
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { ROUTES } from '../../../src/doors/api/route-docs.js';
import { commandTable } from '../../../src/doors/cli/commands.js';

const doc = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('docs/api.md', () => {
  const api = doc('api.md');
  test.each(ROUTES.map((r) => [`${r.method.toUpperCase()} ${r.path}`]))('lists %s', (route) => {
    // The route itself, not a longer one that starts with it (`GET /` is not `GET /v1/...`).
    expect(api).toMatch(new RegExp(`\`${escape(route)}[\`?]`));
  });
});

describe('docs/cli.md', () => {
  const cli = doc('cli.md');
  const commands = commandTable(async () => {
    throw new Error('not started in this test');
  });
  test.each(commands.map((c) => [c.name]))('lists %s', (name) => {
    expect(cli).toMatch(new RegExp(`\`${escape(name)}[\` ]`));
  });
});
