// One line per route of the API, for the OpenAPI document (a test checks it against the router,
// another every answer against the document).
export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete' | 'put';
  path: string;
  /** Stable and camelCase: the method name a generated client gives the route. */
  operationId: string;
  summary: string;
  tag: string;
  body?: string;
  query?: string[];
  /** Request headers it reads besides the API key (their descriptions: openapi.ts HEADERS). */
  headers?: string[];
  /**
   * The answers when it works: status → the schema of its JSON body (openapi-schemas.ts), null
   * for no body, or a media type with no schema (text, HTML).
   */
  answers: Record<number, string | null | { type: string }>;
  /** Error answers besides the ones openapi.ts gives every route of its kind (401, 400, 404, 413, 415, 503). */
  errors?: number[];
  public?: boolean;
}

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/healthz', operationId: 'getHealthz', summary: 'Liveness and database check', tag: 'ops', public: true, answers: { 200: 'Health' }, errors: [503] },
  { method: 'get', path: '/openapi.json', operationId: 'getOpenApiDocument', summary: 'This document', tag: 'ops', public: true, answers: { 200: 'OpenApiDocument' } },
  { method: 'get', path: '/v1/workspace', operationId: 'getWorkspace', summary: 'The workspace of the API key', tag: 'workspace', answers: { 200: 'Workspace' } },
  { method: 'post', path: '/v1/webhooks', operationId: 'createWebhook', summary: 'Create a webhook (answers its secret, once)', tag: 'webhooks', body: 'WebhookCreate', answers: { 201: 'WebhookCreated' }, errors: [409] },
  { method: 'get', path: '/v1/webhooks', operationId: 'listWebhooks', summary: 'List webhooks (never their secrets)', tag: 'webhooks', answers: { 200: 'WebhookList' } },
  { method: 'get', path: '/v1/webhooks/{id}', operationId: 'getWebhook', summary: 'One webhook', tag: 'webhooks', answers: { 200: 'Webhook' } },
  { method: 'patch', path: '/v1/webhooks/{id}', operationId: 'updateWebhook', summary: 'Change a webhook', tag: 'webhooks', body: 'WebhookPatch', answers: { 200: 'Webhook' } },
  { method: 'delete', path: '/v1/webhooks/{id}', operationId: 'deleteWebhook', summary: 'Remove a webhook; its pending deliveries become cancelled', tag: 'webhooks', answers: { 204: null } },
  { method: 'post', path: '/v1/webhooks/{id}/rotate-secret', operationId: 'rotateWebhookSecret', summary: 'New secret; the old one keeps signing for graceSeconds', tag: 'webhooks', body: 'RotateSecret', answers: { 200: 'SecretRotated' } },
  { method: 'post', path: '/v1/webhooks/{id}/test', operationId: 'sendTestDelivery', summary: 'Send a sample event now; answers the request sent and the response got', tag: 'deliveries', body: 'SendTest', answers: { 200: 'SendTestResult' } },
  { method: 'get', path: '/v1/webhooks/{id}/deliveries', operationId: 'listWebhookDeliveries', summary: 'The request log of a webhook, newest first', tag: 'deliveries', query: ['status', 'limit', 'cursor'], answers: { 200: 'DeliveryPage' } },
  { method: 'post', path: '/v1/webhooks/{id}/recover', operationId: 'recoverWebhookDeliveries', summary: 'Re-queue every failed delivery since a time', tag: 'deliveries', query: ['since'], answers: { 202: 'Recovered' }, errors: [409] },
  { method: 'get', path: '/v1/deliveries/{id}', operationId: 'getDelivery', summary: 'One delivery with every attempt', tag: 'deliveries', answers: { 200: 'DeliveryDetail' } },
  { method: 'post', path: '/v1/deliveries/{id}/redeliver', operationId: 'redeliverDelivery', summary: 'Send again now, as a new attempt of the same delivery', tag: 'deliveries', answers: { 202: 'Requeued' }, errors: [409] },
  { method: 'post', path: '/v1/events', operationId: 'createEvent', summary: 'Report an event; answers 202 after it and its deliveries are stored (200 for a repeated id)', tag: 'events', body: 'Event', headers: ['traceparent', 'tracestate'], answers: { 202: 'EventAccepted', 200: 'EventAccepted' } },
  { method: 'get', path: '/v1/events', operationId: 'listEvents', summary: 'The events of the workspace, newest first, with their delivery counts', tag: 'events', query: ['limit', 'cursor'], answers: { 200: 'EventPage' } },
  { method: 'get', path: '/v1/events/{id}', operationId: 'getEvent', summary: 'One event with its deliveries', tag: 'events', answers: { 200: 'EventDetail' } },
  { method: 'get', path: '/metrics', operationId: 'getMetrics', summary: 'Prometheus metrics', tag: 'ops', public: true, answers: { 200: { type: 'text/plain' } } },
  { method: 'get', path: '/v1/transformers', operationId: 'listTransformers', summary: 'The target formats, their settings and default templates', tag: 'transformers', answers: { 200: 'TransformerList' } },
  { method: 'post', path: '/v1/transformers/{name}/preview', operationId: 'previewTransformer', summary: 'Render a sample event with the named transformer and a template, without sending', tag: 'transformers', body: 'Preview', answers: { 200: 'PreviewResult' } },
  { method: 'post', path: '/v1/preview', operationId: 'preview', summary: 'Render a sample event with a transformer and template, without sending', tag: 'transformers', body: 'Preview', answers: { 200: 'PreviewResult' } },
  { method: 'post', path: '/v1/webhooks/{id}/preview', operationId: 'previewWebhook', summary: "Render a sample (or given) event with the webhook's transformer and template, without sending", tag: 'webhooks', body: 'Preview', answers: { 200: 'PreviewResult' } },
  { method: 'post', path: '/v1/events/batch', operationId: 'createEventBatch', summary: 'Report up to 500 events in one request; each validated and idempotent on its own, answered one by one', tag: 'events', body: 'EventBatch', headers: ['traceparent', 'tracestate'], answers: { 200: 'BatchResult' } },
  { method: 'post', path: '/slack/events', operationId: 'receiveSlackRequest', summary: 'The Slack app: slash commands, button clicks and events, signed by Slack (only when the Slack app is on)', tag: 'slack', public: true, answers: { 200: 'SlackAnswer' }, errors: [401, 413] },
  { method: 'get', path: '/v1/slack/links', operationId: 'listSlackLinks', summary: 'The Slack teams linked to this workspace', tag: 'slack', answers: { 200: 'SlackLinkList' } },
  { method: 'post', path: '/v1/slack/links', operationId: 'linkSlackTeam', summary: 'Refused (403): a team id is no proof; make a code with POST /v1/slack/link-codes and run /forjinn link <code> in that Slack team', tag: 'slack', answers: {}, errors: [403] },
  { method: 'post', path: '/v1/slack/link-codes', operationId: 'createSlackLinkCode', summary: 'A one-time code (10 minutes, single use) that links the Slack team running `/forjinn link <code>` to this workspace', tag: 'slack', answers: { 201: 'SlackLinkCode' } },
  { method: 'delete', path: '/v1/slack/links/{team}', operationId: 'unlinkSlackTeam', summary: 'Unlink a Slack team from this workspace', tag: 'slack', answers: { 204: null } },
  { method: 'get', path: '/v1/mutes', operationId: 'listMutes', summary: 'The mutes of the workspace, newest first (live ones; ?all=true: ended ones too)', tag: 'mutes', query: ['all', 'chatflowId'], answers: { 200: 'MuteList' } },
  { method: 'post', path: '/v1/mutes', operationId: 'createMute', summary: "Mute a chatflow for one webhook or a Slack channel's subscriptions: its deliveries are stored as muted, not sent (a live mute of the same scope and chatflow is replaced)", tag: 'mutes', body: 'MuteCreate', answers: { 201: 'Mute' }, errors: [404] },
  { method: 'delete', path: '/v1/mutes/{id}', operationId: 'deleteMute', summary: 'End a mute now (removes it)', tag: 'mutes', answers: { 204: null } },
  { method: 'post', path: '/v1/listeners', operationId: 'createListener', summary: "Register a listener (forjinn-webhooks listen): a webhook of the workspace whose deliveries go only to its stream; answers its secret, once", tag: 'listeners', body: 'ListenerCreate', answers: { 201: 'ListenerCreated' }, errors: [409] },
  { method: 'get', path: '/v1/listeners/{id}/stream', operationId: 'streamListener', summary: "The listener's deliveries as Server-Sent Events (ready, then one delivery event per attempt with the signed request: deliveryId, attempt, eventId, eventType, headers, body; removed when it is gone), until the connection closes", tag: 'listeners', answers: { 200: { type: 'text/event-stream' } } },
  { method: 'post', path: '/v1/listeners/{id}/deliveries/{deliveryId}/result', operationId: 'answerListenerDelivery', summary: "The local receiver's answer to one attempt a stream sent (status, headers, start of the body, duration; or error): stored as that attempt", tag: 'listeners', body: 'ListenerResult', answers: { 204: null }, errors: [409] },
  { method: 'delete', path: '/v1/listeners/{id}', operationId: 'deleteListener', summary: 'Remove a listener; its queued deliveries become cancelled', tag: 'listeners', answers: { 204: null } },
  { method: 'get', path: '/v1/webhooks/{id}/health', operationId: 'getWebhookHealth', summary: 'Health at a glance: last delivery, failure streak, success rate over 24 h (tests excluded)', tag: 'webhooks', answers: { 200: 'WebhookHealth' } },
  { method: 'get', path: '/', operationId: 'getSettingsPage', summary: 'The settings page (Settings → API/Webhooks); sign in with an API key', tag: 'page', public: true, answers: { 200: { type: 'text/html' } } },
  { method: 'get', path: '/assets/{file}', operationId: 'getPageAsset', summary: "The settings page's script, styles and icon", tag: 'page', public: true, answers: { 200: { type: '*/*' }, 304: null } },
];
