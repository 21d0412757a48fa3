// A typed client can be generated from the OpenAPI document: openapi-typescript (7.x) turns the
// document into TypeScript types, and a small client written against them compiles with the
// project's TypeScript. The client uses the answers' types, so a 2xx without a schema, a field
// with the wrong type or a missing operationId fails to compile; `@ts-expect-error` lines check
// that wrong uses are refused too (an expected error that does not happen fails as well).
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../../../src/doors/api/openapi.js';

const CLIENT = `
import type { components, operations, paths } from './api';

type Json<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Answer<Id extends keyof operations, S extends keyof operations[Id]['responses']> = Json<operations[Id]['responses'][S]>;

export type Webhook = components['schemas']['Webhook'];
type Created = paths['/v1/webhooks']['post']['responses']['201']['content']['application/json'];
type CreateBody = paths['/v1/webhooks']['post']['requestBody']['content']['application/json'];
type ApiError = Answer<'createWebhook', 400>;

async function send<T>(base: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: 'Bearer ' + key, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(((await res.json()) as ApiError).error.message);
  return (await res.json()) as T;
}

export async function walkthrough(base: string, key: string) {
  const body: CreateBody = { url: 'https://example.org/hook', events: ['flow_completed'], transformer: 'generic' };
  const created = await send<Created>(base, key, 'POST', '/v1/webhooks', body);
  const id: string = created.id;
  const secret: string | null = created.secret;
  const enabled: boolean = created.enabled;

  const listed = await send<Answer<'listWebhooks', 200>>(base, key, 'GET', '/v1/webhooks');
  const first: Webhook | undefined = listed.data[0];
  // @ts-expect-error the listed webhooks carry no secret
  listed.data[0].secret;

  const event: operations['createEvent']['requestBody']['content']['application/json'] = { event: 'flow_completed', chatflowId: 'cf-1', id: 'evt-1' };
  const accepted = await send<Answer<'createEvent', 202>>(base, key, 'POST', '/v1/events', event);
  const deliveries: number = accepted.deliveries;

  const test = await send<Answer<'sendTestDelivery', 200>>(base, key, 'POST', '/v1/webhooks/' + id + '/test', {});
  const status: number | undefined = test.response?.status;
  const log = await send<Answer<'listWebhookDeliveries', 200>>(base, key, 'GET', '/v1/webhooks/' + id + '/deliveries');
  const next: string | null = log.nextCursor;
  const state: 'pending' | 'succeeded' | 'failed' | 'cancelled' | 'muted' | 'grouped' | undefined = log.data[0]?.status;
  const health = await send<Answer<'getWebhookHealth', 200>>(base, key, 'GET', '/v1/webhooks/' + id + '/health');
  const rate: number | null = health.last24h.successRate;
  const rotated = await send<Answer<'rotateWebhookSecret', 200>>(base, key, 'POST', '/v1/webhooks/' + id + '/rotate-secret', { graceSeconds: 60 });
  const newSecret: string = rotated.secret;
  return { id, secret, enabled, first, deliveries, status, next, state, rate, newSecret };
}

// @ts-expect-error an event type the API does not have
export const wrong: CreateBody = { url: 'https://example.org/hook', events: ['flow_finished'] };
`;

describe('a typed client generated from the OpenAPI document', () => {
  test('openapi-typescript generates types a client compiles against', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fjw-client-'));
    try {
      const types = astToString(await openapiTS(openApiDocument() as Parameters<typeof openapiTS>[0]));
      writeFileSync(join(dir, 'api.ts'), types);
      writeFileSync(join(dir, 'client.ts'), CLIENT);
      expect(types).toContain('createWebhook: {');
      const program = ts.createProgram([join(dir, 'client.ts')], {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
        types: [],
        skipLibCheck: true,
      });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${d.file ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
