// Send Test, shown inline where it was asked for (a webhook's card, or the form after saving):
// the request exactly as sent (headers, body, signature) and the receiver's answer.
import { api, describeError } from './api.js';
import { badge, h, headersList, pre, prettyBody, replace } from './dom.js';
import { EVENT_LABELS, EVENT_TYPES, type EventType, type TestResult } from './types.js';
import { SAMPLES } from './samples.js';

const SIGNATURE_HEADERS = ['x-forjinn-signature', 'webhook-signature', 'webhook-id', 'webhook-timestamp'];

/**
 * A Send Test control: an event picker, the button, and the place the result appears. With
 * `editable`, a JSON field holds the payload sent, prefilled with the chosen type's sample.
 */
export function sendTestControl(webhookId: string, subscribed: string[], opts: { label?: string; editable?: boolean } = {}): HTMLElement {
  const choices = subscribed.includes('*') ? [...EVENT_TYPES] : EVENT_TYPES.filter((e) => subscribed.includes(e));
  const selectId = `test-event-${webhookId}`;
  const select = h(
    'select',
    { id: selectId, class: 'small' },
    (choices.length ? choices : [...EVENT_TYPES]).map((e) => h('option', { value: e }, EVENT_LABELS[e])),
  );
  const result = h('div', { class: 'test-result', 'aria-live': 'polite' });
  const payload = opts.editable ? payloadField(select) : undefined;
  const button = h('button', { type: 'button', class: 'secondary' }, opts.label ?? 'Send test');
  button.addEventListener('click', async () => {
    const body: Record<string, unknown> = { event: select.value };
    if (payload) {
      const parsed = payload.read();
      if (!parsed) return;
      body.payload = parsed;
    }
    button.disabled = true;
    replace(result, h('p', { class: 'muted', 'aria-busy': 'true' }, 'Sending a test event…'));
    try {
      const r = await api<TestResult>('POST', `/v1/webhooks/${webhookId}/test`, body);
      replace(result, testResultView(r, () => result.replaceChildren()));
    } catch (err) {
      replace(result, h('p', { class: 'field-error', role: 'alert' }, `Send Test failed: ${describeError(err)}`));
    } finally {
      button.disabled = false;
    }
  });
  return h(
    'div',
    { class: 'send-test' },
    h('div', { class: 'inline-controls' }, h('label', { for: selectId, class: 'inline-label' }, 'Sample event'), select, button),
    payload?.el,
    result,
  );
}

/** The payload as JSON text: the sample of the chosen type, replaced when the type changes. */
function payloadField(select: HTMLSelectElement): { el: HTMLElement; read: () => Record<string, unknown> | undefined } {
  const sample = () => JSON.stringify(SAMPLES[select.value as EventType] ?? {}, null, 2);
  const area = h('textarea', { id: 'test-payload', rows: 10, spellcheck: 'false', class: 'mono', 'aria-describedby': 'test-payload-help test-payload-error' }, sample());
  const error = h('p', { class: 'field-error', id: 'test-payload-error' });
  const el = h(
    'div',
    { class: 'field', 'data-field': 'payload' },
    h('label', { for: 'test-payload' }, 'Payload (JSON)'),
    area,
    error,
    h('p', { class: 'help', id: 'test-payload-help' }, 'The event sent: edit any field. Its type is the sample event chosen; its id and time are set for the test.'),
  );
  const clear = () => {
    error.textContent = '';
    el.classList.remove('has-error');
    area.removeAttribute('aria-invalid');
  };
  select.addEventListener('change', () => {
    area.value = sample();
    clear();
  });
  area.addEventListener('input', clear);
  function read(): Record<string, unknown> | undefined {
    let problem: string | undefined;
    let value: unknown;
    try {
      value = JSON.parse(area.value);
      if (!value || typeof value !== 'object' || Array.isArray(value)) problem = 'must be a JSON object, like the sample';
    } catch (err) {
      problem = `is not valid JSON (${err instanceof Error ? err.message : String(err)})`;
    }
    if (!problem) return value as Record<string, unknown>;
    error.textContent = `The payload ${problem}.`;
    el.classList.add('has-error');
    area.setAttribute('aria-invalid', 'true');
    area.focus();
    return undefined;
  }
  return { el, read };
}

export function testResultView(r: TestResult, onClose: () => void): HTMLElement {
  const ok = r.outcome === 'success';
  const status = r.response ? `${r.response.status}` : 'no response';
  const headline = ok
    ? `Test delivered: the receiver answered ${status} in ${r.durationMs} ms.`
    : `Test not delivered: ${r.response ? `the receiver answered ${status}` : 'no answer'} (${r.error ?? r.outcome}).`;
  const signature = Object.entries(r.request?.headers ?? {}).filter(([k]) => SIGNATURE_HEADERS.includes(k.toLowerCase()));
  return h(
    'section',
    { class: `result-panel ${ok ? 'is-ok' : 'is-failed'}`, 'aria-label': 'Send Test result' },
    h(
      'div',
      { class: 'result-head' },
      badge(ok ? 'succeeded' : 'failed', ok ? 'Delivered' : 'Failed'),
      h('p', { class: 'result-line' }, headline),
      h('a', { href: `#/deliveries/${r.deliveryId}` }, 'Open in the request log'),
      h('button', { type: 'button', class: 'secondary small', onclick: onClose }, 'Close'),
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        {},
        h('h3', {}, 'Request sent'),
        r.request
          ? [
              h('p', { class: 'mono wrap' }, `${r.request.method} ${r.request.url}`),
              signature.length
                ? h('p', { class: 'signature' }, h('strong', {}, 'Signature: '), h('code', { class: 'wrap' }, signature.find(([k]) => k.toLowerCase() === 'x-forjinn-signature')?.[1] ?? signature[0][1]))
                : h('p', { class: 'muted' }, 'Not signed (the webhook has no secret, or its target takes no signatures).'),
              h('h4', {}, 'Headers'),
              headersList(r.request.headers, 'Request headers'),
              h('h4', {}, 'Body'),
              pre(prettyBody(r.request.body), 'Request body'),
            ]
          : h('p', { class: 'muted' }, 'Nothing was sent (the message could not be rendered).'),
      ),
      h(
        'div',
        {},
        h('h3', {}, 'Response'),
        r.response
          ? [
              h('p', {}, h('strong', {}, 'Status: '), badge(r.response.status < 300 ? 'succeeded' : 'failed', String(r.response.status)), ` in ${r.response.durationMs} ms`),
              h('h4', {}, 'Headers'),
              headersList(r.response.headers, 'Response headers'),
              h('h4', {}, 'Body (first 16 KiB)'),
              r.response.body ? pre(prettyBody(r.response.body), 'Response body') : h('p', { class: 'muted' }, 'Empty body.'),
            ]
          : h('p', { class: 'muted' }, r.error ?? 'No response.'),
      ),
    ),
  );
}
