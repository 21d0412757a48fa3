// Live preview of the message a webhook would send for a chosen sample event: rendered by the
// service (POST /v1/preview, or /v1/webhooks/:id/preview for a saved webhook so its hidden
// settings still count), never sent anywhere.
import { api, describeError, isAbort } from './api.js';
import { h, pre, prettyBody, replace } from './dom.js';
import { EVENT_LABELS, EVENT_TYPES, type Webhook } from './types.js';

export interface PreviewInput {
  transformer: string;
  transformerConfig: Record<string, unknown>;
  /** One template, one per event type, or null: the built-in ones. */
  template: Webhook['template'];
}

interface PreviewAnswer {
  event: string;
  contentType: string;
  headers: Record<string, string>;
  body: string;
  truncated: string[];
  templateError: string | null;
  signed: boolean;
  /** What grouping does for this webhook; null: the target never groups. */
  grouping: string | null;
}

// Long enough that typing a template does not send a request per key.
const DEBOUNCE_MS = 350;

export function previewPanel(read: () => PreviewInput, webhookId: string | undefined, signal: AbortSignal) {
  const select = h('select', { id: 'preview-event' }, EVENT_TYPES.map((e) => h('option', { value: e }, EVENT_LABELS[e])));
  const out = h('div', { class: 'preview-out', id: 'preview-output', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'The preview appears here.'));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inflight: AbortController | undefined;

  async function run() {
    inflight?.abort();
    const ctl = new AbortController();
    inflight = ctl;
    signal.addEventListener('abort', () => ctl.abort(), { once: true });
    const body = { ...read(), event: select.value };
    try {
      const r = await api<PreviewAnswer>('POST', webhookId ? `/v1/webhooks/${webhookId}/preview` : '/v1/preview', body, { signal: ctl.signal });
      replace(
        out,
        h('p', { class: 'muted small' }, `${r.contentType}${r.signed ? ', signed' : ', not signed (chat targets take no signatures)'}`),
        r.grouping ? h('p', { class: 'small', id: 'preview-grouping' }, r.grouping) : null,
        r.templateError ? h('p', { class: 'field-error' }, `The template failed, so the default would be sent: ${r.templateError}`) : null,
        r.truncated.length ? h('p', { class: 'warn' }, `Cut to fit the target's limits: ${r.truncated.join(', ')}`) : null,
        pre(prettyBody(r.body), 'Rendered message'),
      );
    } catch (err) {
      if (isAbort(err)) return;
      replace(out, h('p', { class: 'field-error', role: 'alert' }, `No preview: ${describeError(err)}`));
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), DEBOUNCE_MS);
  }
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  select.addEventListener('change', () => void run());

  const el = h(
    'div',
    { class: 'preview' },
    h('div', { class: 'inline-controls' }, h('label', { for: 'preview-event', class: 'inline-label' }, 'Preview with sample event'), select),
    out,
  );
  return { el, schedule, run };
}
