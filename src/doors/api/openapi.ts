// The OpenAPI 3.1 document of the whole API: every operation with its operationId, every answer
// it gives (success and error) with the schema of its body. Request bodies come from the same
// zod schemas that validate them (openapi-schemas.ts), so the document cannot drift from what
// the API accepts; tests check that every mounted route is described here, that real answers
// match it, that redocly lints it clean and that a typed client generated from it compiles.
import { ROUTES, type RouteDoc } from './route-docs.js';
import { OPTIONAL_BODIES, REQUEST_SCHEMAS, SCHEMAS } from './openapi-schemas.js';

const VERSION = '0.1.0';

const DESCRIPTION: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted: stored, to be delivered',
  204: 'Done; no body',
  304: 'Not modified (If-None-Match matched)',
  400: 'Invalid input: the error names the field',
  401: 'Missing or invalid API key (on /slack/events: not a valid, recent, new Slack signature)',
  403: 'Refused: the key cannot do this',
  404: 'Not found in this workspace',
  409: 'Conflict with the current state (the message says which)',
  413: 'Body over the limit of the route (1 MiB; 16 MiB for a batch)',
  415: 'A body that is not JSON',
  503: 'The database is unavailable; nothing was stored; try again after Retry-After',
};

/** Request headers a route reads (RouteDoc.headers). */
const HEADERS: Record<string, string> = {
  traceparent:
    "W3C Trace Context: the platform's span. Stored with the event (with a batch: with each of its events); generic receivers get it on every attempt as a child span (same trace id, a span id per attempt). An invalid one is ignored. docs/operations.md, Tracing",
  tracestate: 'W3C Trace Context: stored with a valid traceparent and passed to generic receivers as received',
};

const json = (schema: string) => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } });
const retryAfter = { headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } };

/** The error answers a route gives: those of its kind, and its own. */
function errorStatuses(r: RouteDoc): number[] {
  const api = !r.public;
  const hasParams = r.path.includes('{');
  const mutating = r.method === 'post' || r.method === 'patch' || r.method === 'put';
  const out = new Set(r.errors ?? []);
  // invalid JSON, a field, a path or query value (a NUL, a bad limit or cursor)
  if (api && (r.body || mutating || hasParams || r.query)) out.add(400);
  if (api) out.add(401);
  if (hasParams) out.add(404);
  if (api && mutating) for (const s of [413, 415]) out.add(s);
  // Every /v1 request reads the database (its API key first).
  if (api) out.add(503);
  return [...out].sort((a, b) => a - b);
}

function successResponse(r: RouteDoc, status: number, answer: RouteDoc['answers'][number]) {
  const description = status === 200 && r.method === 'post' && r.path === '/v1/events' ? 'A repeated id: the first event, stored once (duplicate: true)' : DESCRIPTION[status];
  if (answer === null) return { description };
  if (typeof answer === 'string') {
    const location = status === 201 && r.path === '/v1/webhooks' ? { headers: { Location: { description: 'the new webhook', schema: { type: 'string' } } } } : {};
    return { description, ...location, ...json(answer) };
  }
  return { description, content: { [answer.type]: { schema: { type: 'string' } } } };
}

function operation(r: RouteDoc) {
  const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(r.answers)) responses[status] = successResponse(r, Number(status), answer);
  for (const status of errorStatuses(r)) {
    const body = r.path === '/healthz' ? json('Health') : json('Error');
    responses[String(status)] = { description: DESCRIPTION[status], ...(status === 503 ? retryAfter : {}), ...body };
  }
  return {
    operationId: r.operationId,
    summary: r.summary,
    tags: [r.tag],
    ...(r.public ? { security: [] } : {}),
    parameters: [
      ...params,
      ...(r.query ?? []).map((q) => ({ name: q, in: 'query', required: false, schema: { type: 'string' } })),
      ...(r.headers ?? []).map((h) => ({ name: h, in: 'header', required: false, description: HEADERS[h], schema: { type: 'string' } })),
    ],
    ...(r.body ? { requestBody: { $ref: `#/components/requestBodies/${r.body}` } } : {}),
    responses,
  };
}

const TAGS: Record<string, string> = {
  ops: 'Health, metrics and this document (no API key)',
  workspace: 'The workspace of the API key',
  webhooks: 'The webhooks of the workspace',
  deliveries: 'The request log, Send Test, redelivery',
  events: 'Reporting events and reading them back',
  transformers: 'Target formats and previews',
  slack: 'The Slack app and the teams linked to the workspace',
  mutes: 'Quiet a chatflow for a while: its deliveries are stored as muted, not sent',
  listeners: 'forjinn-webhooks listen: deliveries forwarded to a URL on a developer\'s machine through a stream',
  page: 'The settings page (no API key)',
};

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
    info: {
      title: 'forjinn-webhooks',
      version: VERSION,
      description: 'Outbound webhooks of the Forjinn agent platform.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the paths are on the origin that serves this document, whatever its host name
    // behind whichever proxy (OpenAPI 3.1 resolves a relative server against the document's URL).
    servers: [{ url: '/', description: 'the service that serves this document' }],
    security: [{ bearer: [] }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (fjk_...) of one workspace' } },
      schemas: SCHEMAS,
      requestBodies: Object.fromEntries(
        Object.entries(REQUEST_SCHEMAS).map(([name, schema]) => [name, { required: !OPTIONAL_BODIES.has(name), content: { 'application/json': { schema } } }]),
      ),
    },
  };
}
