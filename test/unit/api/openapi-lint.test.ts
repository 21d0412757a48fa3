// The OpenAPI document passes `redocly lint` (the recommended rules, .redocly.yaml) with no error
// and no warning, as the document GET /openapi.json serves. The two rules .redocly.yaml turns off
// are checked here instead, for the operations they matter for.
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from '../../../src/doors/api/openapi.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

type Doc = { paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>> };

describe('the OpenAPI document', () => {
  test('redocly lint: no error, no warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjw-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
      const run = spawnSync(join(root, 'node_modules/.bin/redocly'), ['lint', file, '--config', join(root, '.redocly.yaml'), '--format', 'stylish'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 60_000,
      });
      const out = `${run.stdout}\n${run.stderr}`;
      const problems = out.split('\n').filter((l) => /\s(error|warning)\s/.test(l));
      expect({ status: run.status, problems }).toEqual({ status: 0, problems: [] });
      expect(out).toContain('Your API description is valid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  // What operation-4xx-response and operation-2xx-response (off in .redocly.yaml) would say.
  test('every API operation documents a 4xx; every operation a 2xx but the refused POST /v1/slack/links', () => {
    const ops = Object.values((openApiDocument() as Doc).paths).flatMap((m) => Object.values(m));
    const api = ops.filter((o) => o.security === undefined);
    expect(api.length).toBeGreaterThan(20);
    expect(api.filter((o) => !Object.keys(o.responses).some((s) => s.startsWith('4'))).map((o) => o.operationId)).toEqual([]);
    expect(ops.filter((o) => !Object.keys(o.responses).some((s) => s.startsWith('2'))).map((o) => o.operationId)).toEqual(['linkSlackTeam']);
  });
});
