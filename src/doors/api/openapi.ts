// The OpenAPI 3.1 document of the whole API. Request bodies come from the same zod schemas that
// validate them, so the document cannot drift from what the API accepts; a test checks that
// every mounted route is described here.
import { z } from 'zod';
import { createWebhookSchema, patchWebhookSchema, rotateSecretSchema } from '../../services/webhooks/schema.js';
import { EVENT_SCHEMAS } from '../../services/ingest/schemas.js';
import { previewSchema } from '../../services/webhooks/preview.js';
import { EVENT_TYPES } from '../../services/transformers/types.js';
import { ROUTES, type RouteDoc } from './route-docs.js';

const VERSION = '0.1.0';

function jsonSchema(s: z.ZodType) {
  return z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
}

const SCHEMAS: Record<string, unknown> = {
  WebhookCreate: jsonSchema(createWebhookSchema),
  WebhookPatch: jsonSchema(patchWebhookSchema),
  RotateSecret: jsonSchema(rotateSecretSchema),
  Preview: jsonSchema(previewSchema),
  Event: { oneOf: Object.values(EVENT_SCHEMAS).map((s) => jsonSchema(s)) },
  EventBatch: { type: 'object', required: ['events'], properties: { events: { type: 'array', minItems: 1, maxItems: 500, items: { $ref: '#/components/schemas/Event' } } } },
  SendTest: {
    type: 'object',
    additionalProperties: false,
    properties: { event: { enum: [...EVENT_TYPES] }, payload: { type: 'object', description: 'an event to send instead of the sample' } },
  },
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
      },
    },
  },
};

function operation(r: RouteDoc) {
  const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const errorRef = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    summary: r.summary,
    tags: [r.tag],
    ...(r.public ? { security: [] } : {}),
    parameters: [...params, ...(r.query ?? []).map((q) => ({ name: q, in: 'query', required: false, schema: { type: 'string' } }))],
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${r.body}` } } } } } : {}),
    responses: {
      [String(r.status ?? 200)]: { description: r.response ?? 'OK' },
      ...(r.public ? {} : { '401': { description: 'missing or invalid API key', ...errorRef } }),
      ...(r.body || r.path.includes('{') ? { '400': { description: 'invalid input', ...errorRef }, '404': { description: 'not found in this workspace', ...errorRef } } : {}),
      ...(!r.public && (r.method === 'post' || r.method === 'patch' || r.method === 'put')
        ? { '413': { description: 'body over the limit of the route', ...errorRef }, '415': { description: 'a body that is not JSON', ...errorRef } }
        : {}),
    },
  };
}

let cached: unknown;

/** Built once: the document depends only on the code. */
export function openApiDocument() {
  return (cached ??= build());
}

function build() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) (paths[r.path] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    info: { title: 'forjinn-webhooks', version: VERSION, description: 'Outbound webhooks of the Forjinn agent platform.' },
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (fjk_...) of one workspace' } },
      schemas: SCHEMAS,
    },
  };
}
