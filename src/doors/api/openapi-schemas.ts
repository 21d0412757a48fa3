// The schemas of the OpenAPI document (openapi.ts): what each route accepts and what it answers.
// Request bodies are the zod schemas that validate them (as JSON Schema, by z.toJSONSchema); an answer's fields are taken from zod
// where one exists (a webhook's settings) and written here otherwise, from the views that build
// them (services/webhooks/view.ts, delivery/log-queries.ts, ingest/queries.ts, ...). Objects
// list every field and allow no other, so the test that checks real answers against this
// (test/integration/api/openapi-responses.test.ts) fails when a view gains a field the
// document does not have.
import { z } from 'zod';
import { createWebhookSchema, filtersSchema, patchWebhookSchema, rotateSecretSchema, webhookFields } from '../../services/webhooks/schema.js';
import { EVENT_SCHEMAS } from '../../services/ingest/schemas.js';
import { previewSchema } from '../../services/webhooks/preview.js';
import { EVENT_TYPES, type EventType } from '../../services/transformers/types.js';
import { TRANSFORMER_NAMES } from '../../services/transformers/index.js';
import { DELIVERY_STATUSES } from '../../store/deliveries/index.js';
import { createMuteSchema } from '../../services/mutes/service.js';
import { createListenerSchema, listenerResultSchema } from '../../services/listeners/service.js';

type Schema = Record<string, unknown>;

// Without its $schema: a component is in the document's dialect (OpenAPI 3.1's is 2020-12, zod's default).
function jsonSchema(s: z.ZodType, io: 'input' | 'output'): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as Schema;
  return rest;
}

/** What a request may hold. */
const input = (s: z.ZodType) => jsonSchema(s, 'input');
/** What a field holds once validated: the stored value the API shows back. */
const output = (s: z.ZodType) => jsonSchema(s, 'output');

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const bool: Schema = { type: 'boolean' };
const time: Schema = { type: 'string', format: 'date-time' };
const uuid: Schema = { type: 'string', format: 'uuid' };
const nullable = (s: Schema): Schema => (typeof s.type === 'string' && Object.keys(s).length <= 2 && !s.enum ? { ...s, type: [s.type, 'null'] } : { anyOf: [s, { type: 'null' }] });
const list = (items: Schema): Schema => ({ type: 'array', items });
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const anyObject: Schema = { type: 'object' };

/** An object with exactly these fields; all required but the `optional` ones. */
function obj(properties: Record<string, Schema>, optional: string[] = [], description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
    additionalProperties: false,
  };
}

const page = (item: string, description: string): Schema =>
  obj({ data: list(ref(item)), nextCursor: { ...nullable(str), description: 'pass as ?cursor= for the next page; null on the last' } }, [], description);

/** A page of history (the request log, the events): it also says how far back history goes. */
const historyPage = (item: string, description: string): Schema => {
  const p = page(item, description) as { properties: Schema; required: string[] };
  return { ...p, required: [...p.required, 'retention'], properties: { ...p.properties, retention: ref('Retention') } };
};

const eventType: Schema = { enum: [...EVENT_TYPES] };
// The registry's list: a new target is in the document the day it is registered.
const transformerName: Schema = { enum: [...TRANSFORMER_NAMES] };
const deliveryStatus: Schema = { enum: [...DELIVERY_STATUSES] };

const webhookView = {
  id: uuid,
  url: { type: 'string', description: 'as shown to this workspace: secret parts of chat URLs hidden' },
  events: list({ enum: [...EVENT_TYPES, '*'] }),
  enabled: bool,
  description: output(webhookFields.description),
  transformer: transformerName,
  transformerConfig: { ...output(webhookFields.transformerConfig), description: 'the target\'s settings, secret ones shown hidden, and `group` as saved (left out: grouped with the defaults on a chat target)' },
  // Written out: the setting's schema ends in a transform, which JSON Schema cannot say.
  template: { ...nullable({ anyOf: [str, { type: 'object', propertyNames: eventType, additionalProperties: str }] }), description: 'one template, one per event type, or null: the built-in ones' },
  filters: output(filtersSchema),
  headers: { ...stringMap, description: 'the custom headers, values hidden' },
  maxAttempts: output(webhookFields.maxAttempts),
  hasSecret: bool,
  secretRotation: nullable(obj({ previousSecretExpiresAt: time })),
  failureStreak: int,
  disabledReason: nullable(str),
  disabledAt: nullable(time),
  createdAt: time,
  updatedAt: time,
};

const delivery = {
  id: uuid,
  webhookId: uuid,
  eventId: str,
  eventType: eventType,
  status: deliveryStatus,
  test: bool,
  attempts: int,
  nextAttemptAt: nullable(time),
  lastStatusCode: nullable(int),
  lastError: nullable(str),
  lastDurationMs: nullable(int),
  lastAttemptAt: nullable(time),
  createdAt: time,
  completedAt: nullable(time),
};

const preview = obj({
  event: eventType,
  contentType: str,
  headers: stringMap,
  body: { type: 'string', description: 'the exact bytes a delivery would send' },
  truncated: { ...list(str), description: 'the fields cut to fit the target' },
  templateError: nullable(str),
  signed: bool,
  grouping: { ...nullable(str), description: 'what grouped alerts do for this webhook, in a sentence (the body is one event\'s: previews are never grouped); null: the target never groups' },
});

/** flow_completed → FlowCompletedEvent */
const eventSchemaName = (t: EventType) => `${t.replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase())}Event`;

function eventSchema(t: EventType): Schema {
  const s = input(EVENT_SCHEMAS[t]);
  return { ...s, properties: { ...(s.properties as Schema), event: { const: t } } };
}

/**
 * The request bodies, by name (RouteDoc.body). They are components/requestBodies with their
 * schemas written in, not components/schemas: a field with a default may be left out of a
 * request, and client generators (openapi-typescript) read a default outside a request body as
 * "always there", which made every defaulted field of a create required in the client's types.
 */
export const REQUEST_SCHEMAS: Record<string, Schema> = {
  WebhookCreate: input(createWebhookSchema),
  MuteCreate: input(createMuteSchema),
  ListenerCreate: input(createListenerSchema),
  ListenerResult: input(listenerResultSchema),
  WebhookPatch: input(patchWebhookSchema),
  RotateSecret: input(rotateSecretSchema),
  Preview: input(previewSchema),
  Event: ref('Event'),
  EventBatch: { type: 'object', required: ['events'], properties: { events: { type: 'array', minItems: 1, maxItems: 500, items: ref('Event') } } },
  SendTest: {
    type: 'object',
    additionalProperties: false,
    properties: { event: eventType, payload: { type: 'object', description: 'an event to send instead of the sample' } },
  },
};

/** Bodies that may be left out: the route's defaults apply (body-limits.ts). */
export const OPTIONAL_BODIES = new Set(['RotateSecret', 'SendTest', 'Preview']);

export const SCHEMAS: Record<string, Schema> = {
  // The events a request reports (POST /v1/events, and each of a batch)
  // One schema per event type, told apart by `event` (the API reads it first, then the rest).
  Event: {
    oneOf: EVENT_TYPES.map((t) => ref(eventSchemaName(t))),
    discriminator: { propertyName: 'event', mapping: Object.fromEntries(EVENT_TYPES.map((t) => [t, `#/components/schemas/${eventSchemaName(t)}`])) },
  },
  ...Object.fromEntries(EVENT_TYPES.map((t) => [eventSchemaName(t), eventSchema(t)])),

  // Answers
  Error: obj(
    {
      error: obj(
        {
          code: { type: 'string', description: 'stable: validation_error, invalid_json, unauthorized, forbidden, not_found, conflict, limit_exceeded, payload_too_large, unsupported_media_type, blocked_address, database_unavailable, overloaded, internal_error' },
          message: str,
          field: { type: 'string', description: 'the input at fault, when one is' },
          details: { ...list(obj({ field: str, message: str })), description: 'every field at fault, when more than one is' },
        },
        ['field', 'details'],
      ),
    },
    [],
    'Every error the API answers',
  ),
  Health: obj({ status: { enum: ['ok', 'unavailable'] }, database: { enum: ['embedded', 'postgres'] } }),
  OpenApiDocument: { type: 'object', required: ['openapi', 'info', 'paths'], properties: { openapi: str, info: anyObject, paths: anyObject }, description: 'An OpenAPI 3.1 document' },
  Workspace: obj({ id: uuid, name: str }),
  Webhook: obj(webhookView, [], 'A webhook as the API shows it: never its secret'),
  WebhookCreated: obj(
    { ...webhookView, secret: { ...nullable(str), description: 'the signing secret, shown this once (null: unsigned)' } },
    [],
    'The webhook created, with its secret',
  ),
  WebhookList: obj({ data: list(ref('Webhook')) }),
  ListenerCreated: obj(
    {
      id: { ...uuid, description: "the listener's id: also a webhook's, so GET /v1/webhooks/{id}/deliveries is its request log" },
      forwardTo: { type: 'string', description: 'where the CLI forwards each delivery (shown as the URL of its attempts; the service never sends to it)' },
      events: output(webhookFields.events),
      filters: output(filtersSchema),
      timeoutMs: { type: 'integer', description: 'FORJINN_LISTENER_TIMEOUT: removed after this long with no stream open' },
      secret: { type: 'string', description: 'the signing secret (whsec_...), shown this once' },
    },
    [],
    'The listener created, with its secret',
  ),
  SecretRotated: obj({ secret: str, previousSecretExpiresAt: { ...nullable(time), description: 'until when the old secret still signs; null: not kept' } }),
  Delivery: obj(delivery),
  Retention: {
    ...nullable(
      obj({
        period: { type: 'string', description: 'FORJINN_RETENTION as a duration, e.g. 30d, 12h, 5m' },
        since: { ...time, description: 'now minus the period: finished history older than this is removed' },
      }),
    ),
    description: 'How far back history goes; null when it is kept forever (FORJINN_RETENTION=0)',
  },
  DeliveryPage: historyPage('Delivery', 'Deliveries, newest first'),
  Attempt: obj({
    attempt: int,
    trigger: { enum: ['auto', 'test', 'redeliver'] },
    outcome: str,
    url: str,
    requestHeaders: stringMap,
    requestBody: str,
    requestBodyTruncated: bool,
    responseStatus: nullable(int),
    responseHeaders: nullable(stringMap),
    responseBody: nullable(str),
    responseBodyTruncated: bool,
    durationMs: int,
    error: nullable(str),
    late: { type: 'boolean', description: 'its result came after another worker had taken the delivery over: shown as sent, it did not change the delivery' },
    createdAt: time,
  }),
  DeliveryDetail: obj({ ...delivery, event: { ...anyObject, description: 'the event as delivered' }, attempts: list(ref('Attempt')) }),
  Requeued: obj({ id: uuid, status: { const: 'pending' } }),
  Recovered: obj({ recovered: { type: 'integer', description: 'deliveries re-queued' }, since: time }),
  SendTestResult: obj({
    deliveryId: uuid,
    eventId: str,
    outcome: str,
    error: nullable(str),
    request: nullable(obj({ url: str, method: { const: 'POST' }, headers: stringMap, body: str })),
    response: nullable(obj({ status: int, headers: stringMap, body: str, durationMs: int })),
    durationMs: int,
  }),
  EventAccepted: obj({ id: str, deliveries: { type: 'integer', description: 'deliveries created for it' }, duplicate: { const: true } }, ['duplicate']),
  BatchResult: obj({
    accepted: int,
    duplicates: int,
    rejected: int,
    results: list({
      oneOf: [
        obj({ index: int, status: { enum: [200, 202] }, id: str, deliveries: int, duplicate: { const: true } }, ['duplicate']),
        obj({ index: int, status: { const: 400 }, error: obj({ code: str, message: str, field: str }, ['field']) }),
      ],
    }),
  }),
  EventSummary: obj({ id: str, type: eventType, test: bool, createdAt: time, deliveries: int, succeeded: int, failed: int, pending: int }),
  EventPage: historyPage('EventSummary', 'Events, newest first'),
  EventDetail: obj({
    id: str,
    type: eventType,
    test: bool,
    createdAt: time,
    payload: { ...anyObject, description: 'the event as delivered' },
    deliveries: list(obj({ id: uuid, webhookId: uuid, status: deliveryStatus, attempts: int, lastStatusCode: nullable(int) })),
  }),
  TransformerList: obj({
    data: list(
      obj({
        name: transformerName,
        label: str,
        signed: { type: 'boolean', description: 'signed deliveries and a signing secret (the plain receiver); false: a chat or incident target, whose URL is its credential' },
        description: nullable(str),
        configFields: list(
          obj({ name: str, label: str, type: { enum: ['string', 'enum', 'boolean'] }, required: bool, secret: bool, options: list(str), help: str }, ['secret', 'options', 'help']),
        ),
        defaultUrl: nullable(str),
        templateHelp: nullable(str),
        grouping: {
          ...nullable(obj({ byDefault: bool, by: list(str), wait: str, interval: str, close: str })),
          description: 'the group setting of this target (transformerConfig.group): whether a webhook without one is grouped, and the defaults; null: never grouped',
        },
        defaultTemplates: { type: 'object', propertyNames: eventType, additionalProperties: str },
      }),
    ),
  }),
  PreviewResult: preview,
  SlackLinkList: obj({ data: list(obj({ team: str, workspace: str, linkedBy: nullable(str), createdAt: time })) }),
  SlackLinkCode: obj({ code: str, expiresAt: time, command: { type: 'string', description: 'what to run in the Slack team' } }),
  Mute: obj({
    id: uuid,
    chatflowId: str,
    webhookId: { ...nullable(uuid), description: 'the webhook it mutes; null: the Slack subscriptions of slackChannel' },
    slackChannel: nullable(str),
    until: time,
    active: { type: 'boolean', description: 'until is still ahead' },
    createdBy: { type: 'string', description: "'api', or slack:<user id>" },
    createdAt: time,
  }),
  MuteList: obj({ data: list(ref('Mute')) }),
  SlackAnswer: { description: "Slack's own answer formats (a message, or nothing)", type: 'object' },
  WebhookHealth: obj({
    webhookId: uuid,
    enabled: bool,
    failureStreak: int,
    disabledReason: nullable(str),
    disabledAt: nullable(time),
    lastDelivery: nullable(
      obj({ id: uuid, eventType, status: deliveryStatus, test: bool, attempts: int, statusCode: nullable(int), error: nullable(str), attemptedAt: nullable(time) }),
    ),
    last24h: obj({ succeeded: int, failed: int, pending: int, total: int, successRate: { ...nullable({ type: 'number' }), minimum: 0, maximum: 1 }, capped: bool }),
  }),
};
