// The one interface every target format implements. The delivery engine alone sends, signs,
// retries and logs; a transformer only validates its settings, renders a request body and says,
// as data, what its target's answers mean (src/services/delivery/retry-policy.ts applies it).

export const EVENT_TYPES = [
  'flow_completed',
  'agent_executed',
  'dataset_updated',
  'evaluation_completed',
  'error_occurred',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** An event as delivered: the producer's JSON plus `workspace` filled in by the service. */
export interface ForjinnEvent {
  event: EventType;
  id: string;
  timestamp: string;
  workspace?: string;
  [field: string]: unknown;
}

/** What render may know besides the event; all of it comes from config, none from I/O. */
export interface RenderContext {
  /** FORJINN_PUBLIC_URL: where this service is reachable (for "view log" links). */
  publicUrl?: string;
  /** FORJINN_APP_URL: the Forjinn platform UI (for links to chatflows, agents, datasets). */
  appUrl?: string;
  webhookId?: string;
  deliveryId?: string;
  /** True for Send Test deliveries. */
  test?: boolean;
  /** Slack bot mode: SLACK_API_URL (default https://slack.com/api) and SLACK_BOT_TOKEN. */
  slackApiUrl?: string;
  slackBotToken?: string;
  /**
   * The webhook's own URL, so a target can add query parameters to it in Rendered.url (Discord
   * `wait=true`, Google Chat `messageReplyOption`). A credential: render copies it nowhere else.
   * Absent: Rendered.url stays unset and the webhook's URL is used as it is.
   */
  webhookUrl?: string;
  /** FORJINN_MAX_RENDERED_BYTES: a template's output past this fails the render (shared/render-budget.ts). */
  maxRenderedBytes?: number;
  /** Set when the message stands for a group of events (grouped alerts): render the latest event as the group's message. */
  group?: GroupRender;
}

/** What a grouped message shows and where it goes (services/grouping): the event rendered is the group's latest. */
export interface GroupRender {
  /** The group's id: a thread key where the target has threads (Google Chat's threadKey). */
  id: string;
  /** How many events the message stands for. */
  count: number;
  /** When the first and the latest event arrived (ISO 8601). */
  firstAt: string;
  lastAt: string;
  /** The message posted for the group before, where the target can edit it (capabilities.edits): edit it instead of posting. */
  messageId?: string;
  /** resolved: a success of its chatflow or agent came after its events (when: resolvedAt). */
  state: 'open' | 'resolved';
  resolvedAt?: string;
  /**
   * A failure re-opened the group after it was resolved (within its `close`): when, and how many
   * events it had then (the count goes on from there; the message says how many came since).
   */
  reopenedAt?: string;
  reopenedAfter?: number;
  /** This message is a thread reply under messageId (capabilities.threads and edits): the group resolved, or re-opened. */
  reply?: 'resolved' | 'reopened';
}

export interface Rendered {
  /** The exact bytes to send (and to sign). */
  body: string;
  contentType: string;
  /** Extra headers the target needs (e.g. Authorization for Slack bot mode). */
  headers: Record<string, string>;
  /** Send here instead of the webhook's URL (e.g. Slack chat.postMessage, Discord ?wait=true). */
  url?: string;
  /** Which fields were cut to fit the target's limits, e.g. ["embeds[0].description"]. */
  truncated: string[];
  /** Set when a custom template failed and the built-in default was sent instead. */
  templateError?: string;
  /** False for chat targets: they get only the headers they accept, no signatures. */
  signed: boolean;
  /** The HTTP method (absent: POST); PATCH edits a Discord message in place. */
  method?: 'POST' | 'PATCH';
}

export interface TargetResponse {
  status: number;
  headers: Record<string, string>;
  /** The first 16 KiB of the body, as text. */
  body: string;
}

/**
 * success: done. retry: try again on the schedule (or after retryAfterMs).
 * refuse: a permanent failure of this delivery, not retried. disable: the webhook itself is dead.
 */
export type Verdict =
  | { outcome: 'success' }
  | { outcome: 'retry'; reason: string; retryAfterMs?: number }
  | { outcome: 'refuse'; reason: string }
  | { outcome: 'disable'; reason: string };

export type Outcome = Verdict['outcome'];

/** One status, or a whole class of them ('4xx'); an exact status wins over its class. */
export type StatusKey = number | '1xx' | '2xx' | '3xx' | '4xx' | '5xx';

/** What an answer's body says, read by the target (pure, no I/O). */
export interface BodyReading {
  /** Decides over every status rule: Slack's Web API answers 200 `{ok: false, error}`. */
  outcome?: Outcome;
  /** Vendor text for the reason (an error code, a message); URLs and tokens are cut out of it. */
  detail?: string;
  /** Seconds to wait, from the body (Discord's fractional `retry_after`); over the Retry-After header. */
  retryAfterSeconds?: number;
}

/**
 * How fast one destination of a target may be sent to, as the vendor documents it: at most
 * `requests` requests per `perMs` to one destination (`per` says what one is: a webhook URL, a
 * channel, a space). The worker paces every destination to it (services/delivery/pacer.ts), so a
 * burst gets no 429 in the normal case.
 */
export interface SendRate {
  requests: number;
  perMs: number;
  /** What one destination is, in words, for the docs: 'incoming webhook URL', 'channel'. */
  per: string;
  /** The vendor page that documents the rate. */
  doc: string;
}

/**
 * What a target's answers mean, as data over the one shared table (retry-policy.ts): a status
 * or class listed here wins over the shared table's entry of the same kind. `status: {}` takes
 * the shared table as it is (2xx success, 408/425/429/5xx retry, 410 disable, other 4xx and 3xx
 * refuse), so a new target never retries a 400 by accident.
 */
export interface AnswerRules {
  /** Named in reasons: `HTTP 404 from Slack (channel_not_found): …`. Absent for a plain receiver. */
  vendor?: string;
  status: Readonly<Partial<Record<StatusKey, Outcome>>>;
  /** The statuses whose retry waits for Retry-After; absent: every retry answer. */
  retryAfterOn?: readonly number[];
  /** Reads the body for a detail, a body-decided outcome or a wait. */
  body?(response: TargetResponse): BodyReading | undefined;
  /**
   * How long, in ms, the answer (any status) asks that nothing more be sent to its destination:
   * Discord's bucket headers (`X-RateLimit-Remaining: 0` with `X-RateLimit-Reset-After`). Read by
   * the worker's pacer; a 429's wait (Retry-After, a body's retry_after) pauses it without this.
   */
  pause?(response: TargetResponse): number | undefined;
}

/** One settings field, described for the web page's form and for GET /v1/transformers. */
export interface ConfigField {
  name: string;
  label: string;
  type: 'string' | 'enum' | 'boolean';
  required: boolean;
  secret?: boolean;
  options?: string[];
  help?: string;
}

/**
 * What a target can do beyond posting one message, declared by the target and read by the engine
 * (never decided from its name). A capability a target lacks is false, not absent.
 */
export interface TargetCapabilities {
  /**
   * It can post as the Forjinn Slack app with the operator's SLACK_BOT_TOKEN instead of through the
   * webhook's URL (Slack, with a channel set). The target then says by `usesBot` which webhooks do:
   * a workspace needs a linked Slack team to save or deliver them (services/webhooks/slack-bot-mode.ts,
   * services/delivery/attempt.ts).
   */
  botMode: boolean;
  /** It can group messages into threads (Google Chat's threadKey setting). */
  threads: boolean;
  /** It can edit a message it posted before, in place (Slack in bot mode, Discord: see `grouping.messageRef`). */
  edits: boolean;
}

/**
 * A Handlebars helper a target brings for its markup, e.g. `{{slack output}}`. The registry
 * registers each target's helpers into the one template environment (shared/helpers.ts); a name
 * already taken (a shared helper's or another target's) fails at start.
 */
export interface TemplateHelper {
  name: string;
  /** How many arguments it needs; fewer is a template error naming `usage`. */
  arity: number;
  fn: (...args: unknown[]) => unknown;
  /** An example call, shown when it is called wrongly: '{{slack output}}'. */
  usage: string;
}

/**
 * One vendor limit a target renders within, as the vendor documents it: what it bounds, the
 * number, its unit, and the page that says so. Data for the docs and the reader: the code that
 * enforces a limit keeps its own constant, and the tests check bodies against numbers of their own.
 */
export interface VendorLimit {
  what: string;
  max: number;
  unit: 'characters' | 'bytes' | 'items';
  doc: string;
}

export interface Transformer<C = unknown> {
  name: string;
  label: string;
  /**
   * True for the plain receiver: its deliveries carry the contract's headers and signatures
   * (docs/delivery.md), a webhook of it gets a signing secret, its URL is not a credential (shown
   * in full to its own workspace: core/shown-url.ts), and without a template it is sent the event's
   * stored bytes as they are (its render of no template must give the same JSON). False for chat
   * and incident targets: no signatures, no secret, the URL is the credential. Every Rendered it
   * returns says the same in `signed`.
   */
  signed: boolean;
  capabilities: TargetCapabilities;
  /** With capabilities.botMode: whether these settings (as given or parsed) post with the bot token. */
  usesBot?(config: unknown): boolean;
  /** The Handlebars helpers of its markup (see TemplateHelper); absent: none. */
  helpers?: readonly TemplateHelper[];
  /** The vendor limits it renders within (empty for the plain receiver, which has none). */
  limits: readonly VendorLimit[];
  /**
   * The vendor's send rate per destination, which the worker paces to (null: not paced, the plain
   * receiver). A rate, unlike `limits`, is enforced from here: this is its one source. Absent: not
   * paced, as null.
   */
  rate?: SendRate | null;
  /**
   * The destination the rate is counted per, when it is not the webhook's URL (Slack bot mode: its
   * channel; Google Chat: the space in the URL; PagerDuty: the routing key). Given the settings as
   * parsed, or as saved when they do not parse (so it checks what it reads). Kept in memory only,
   * as a key.
   */
  destination?(config: unknown, url: string): string;
  /**
   * Present when its messages can stand for a group of events (grouped alerts, issue 14:
   * `transformerConfig.group`): its render draws `ctx.group`. Absent: a webhook of it cannot be
   * grouped (the signed receiver, PagerDuty with its own dedup_key), one delivery per event.
   */
  grouping?: {
    /**
     * The posted message's id in the vendor's answer, with these settings, where the target can edit
     * it in place (capabilities.edits: Slack bot mode's ts, Discord's message id); absent or
     * undefined: each update is a new message (one digest per interval).
     */
    messageRef?(response: TargetResponse, config: unknown): string | undefined;
  };
  /** Per-webhook in-flight limit when the webhook does not say (1 for rate-limited chat targets). */
  defaultEndpointConcurrency?: number;
  /** The URL to suggest when creating a webhook of this kind (PagerDuty's Events API v2). */
  defaultUrl?: string;
  /** What it sends, in a few words, for the page's Format help ("The event as JSON, POSTed to your endpoint"); absent: "A <label> message built from the event". */
  description?: string;
  /** What a custom template renders to, shown beside the template editor. */
  templateHelp?: string;
  configFields: ConfigField[];
  /** Validates settings at save time; throws TransformerError with `field` set. */
  parseConfig(raw: unknown): C;
  /** Checks a webhook URL at save time (e.g. Teams refuses retired Office 365 connector URLs). */
  checkUrl?(url: URL, config: C): void;
  /** Pure: no I/O. Throws TransformerError (code render_error) when nothing can be rendered. */
  render(event: ForjinnEvent, config: C, ctx: RenderContext, template?: string): Rendered;
  /** Checks a custom template at save time against the fixtures of the subscribed event types
   *  (all five when `events` is absent or "*"); throws with line/column. */
  checkTemplate?(template: string, config: C, events?: readonly string[]): void;
  /** What the target's answers mean: success, retry, refuse or disable (required: see AnswerRules). */
  answers: AnswerRules;
}

export class TransformerError extends Error {
  constructor(
    readonly code: 'invalid_config' | 'invalid_template' | 'invalid_url' | 'render_error',
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'TransformerError';
  }
}
