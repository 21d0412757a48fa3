// One line per route of the API, for the OpenAPI document (a test checks it against the router).
export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete' | 'put';
  path: string;
  summary: string;
  tag: string;
  body?: string;
  query?: string[];
  status?: number;
  response?: string;
  public?: boolean;
}

export const ROUTES: RouteDoc[] = [
  { method: 'get', path: '/healthz', summary: 'Liveness and database check', tag: 'ops', public: true },
  { method: 'get', path: '/openapi.json', summary: 'This document', tag: 'ops', public: true },
  { method: 'get', path: '/v1/workspace', summary: 'The workspace of the API key', tag: 'workspace' },
  { method: 'post', path: '/v1/webhooks', summary: 'Create a webhook (answers its secret, once)', tag: 'webhooks', body: 'WebhookCreate', status: 201 },
  { method: 'get', path: '/v1/webhooks', summary: 'List webhooks (never their secrets)', tag: 'webhooks' },
  { method: 'get', path: '/v1/webhooks/{id}', summary: 'One webhook', tag: 'webhooks' },
  { method: 'patch', path: '/v1/webhooks/{id}', summary: 'Change a webhook', tag: 'webhooks', body: 'WebhookPatch' },
  { method: 'delete', path: '/v1/webhooks/{id}', summary: 'Remove a webhook; its pending deliveries become cancelled', tag: 'webhooks', status: 204 },
  { method: 'post', path: '/v1/webhooks/{id}/rotate-secret', summary: 'New secret; the old one keeps signing for graceSeconds', tag: 'webhooks', body: 'RotateSecret' },
  { method: 'post', path: '/v1/webhooks/{id}/test', summary: 'Send a sample event now; answers the request sent and the response got', tag: 'deliveries', body: 'SendTest' },
  { method: 'get', path: '/v1/webhooks/{id}/deliveries', summary: 'The request log of a webhook, newest first', tag: 'deliveries', query: ['status', 'limit', 'cursor'] },
  { method: 'post', path: '/v1/webhooks/{id}/recover', summary: 'Re-queue every failed delivery since a time', tag: 'deliveries', query: ['since'], status: 202 },
  { method: 'get', path: '/v1/deliveries/{id}', summary: 'One delivery with every attempt', tag: 'deliveries' },
  { method: 'post', path: '/v1/deliveries/{id}/redeliver', summary: 'Send again now, as a new attempt of the same delivery', tag: 'deliveries', status: 202 },
  { method: 'post', path: '/v1/events', summary: 'Report an event; answers 202 after it and its deliveries are stored (200 for a repeated id)', tag: 'events', body: 'Event', status: 202 },
  { method: 'get', path: '/v1/events', summary: 'The events of the workspace, newest first, with their delivery counts', tag: 'events', query: ['limit', 'cursor'] },
  { method: 'get', path: '/v1/events/{id}', summary: 'One event with its deliveries', tag: 'events' },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics', tag: 'ops', public: true },
  { method: 'get', path: '/v1/transformers', summary: 'The target formats, their settings and default templates', tag: 'transformers' },
  { method: 'post', path: '/v1/transformers/{name}/preview', summary: 'Render a sample event with the named transformer and a template, without sending', tag: 'transformers', body: 'Preview' },
  { method: 'post', path: '/v1/preview', summary: 'Render a sample event with a transformer and template, without sending', tag: 'transformers', body: 'Preview' },
  { method: 'post', path: '/v1/webhooks/{id}/preview', summary: "Render a sample (or given) event with the webhook's transformer and template, without sending", tag: 'webhooks', body: 'Preview' },
  { method: 'post', path: '/v1/events/batch', summary: 'Report up to 500 events in one request; each validated and idempotent on its own, answered one by one', tag: 'events', body: 'EventBatch' },
  { method: 'post', path: '/slack/events', summary: 'The Slack app: slash commands, button clicks and events, signed by Slack (only when the Slack app is on)', tag: 'slack', public: true },
  { method: 'get', path: '/v1/slack/links', summary: 'The Slack teams linked to this workspace', tag: 'slack' },
  { method: 'post', path: '/v1/slack/links', summary: 'Refused (403): a team id is no proof; make a code with POST /v1/slack/link-codes and run /forjinn link <code> in that Slack team', tag: 'slack', status: 403 },
  { method: 'post', path: '/v1/slack/link-codes', summary: 'A one-time code (10 minutes, single use) that links the Slack team running `/forjinn link <code>` to this workspace', tag: 'slack', status: 201 },
  { method: 'delete', path: '/v1/slack/links/{team}', summary: 'Unlink a Slack team from this workspace', tag: 'slack', status: 204 },
  { method: 'get', path: '/v1/webhooks/{id}/health', summary: 'Health at a glance: last delivery, failure streak, success rate over 24 h (tests excluded)', tag: 'webhooks' },
  { method: 'get', path: '/', summary: 'The settings page (Settings → API/Webhooks); sign in with an API key', tag: 'page', public: true },
  { method: 'get', path: '/assets/{file}', summary: "The settings page's script, styles and icon", tag: 'page', public: true },
];
