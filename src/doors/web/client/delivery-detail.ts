// One delivery with every attempt: the request as sent and the answer got, each time, and
// Redeliver (a new attempt of the same delivery, same id, so receivers can dedupe).
import { api, describeError } from './api.js';
import { badge, h, headersList, pre, prettyBody, replace, time, toast } from './dom.js';
import type { View } from './view.js';
import type { Attempt, DeliveryDetail } from './types.js';

const POLL_MS = 1500;

export async function renderDelivery({ main, signal, params }: View) {
  const id = params[0];
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });

  let shown = '';

  async function draw(force: boolean) {
    clearTimeout(timer);
    const d = await api<DeliveryDetail>('GET', `/v1/deliveries/${id}`, undefined, { signal });
    // Redrawn only when something changed, and focus put back, so polling never pulls the
    // keyboard out from under the viewer.
    const state = `${d.status}|${d.attempts.length}|${d.nextAttemptAt}`;
    const keep = force || state !== shown ? focusKey(main) : undefined;
    if (force || state !== shown) {
      shown = state;
      paint(d);
      if (keep) main.querySelector<HTMLElement>(keep)?.focus({ preventScroll: true });
    }
    if (d.status === 'pending' && !signal.aborted) timer = setTimeout(() => void draw(false).catch(() => {}), POLL_MS);
  }

  function paint(d: DeliveryDetail) {
    const redeliver = h('button', { type: 'button', id: 'redeliver' }, 'Redeliver');
    redeliver.addEventListener('click', async () => {
      redeliver.disabled = true;
      try {
        await api('POST', `/v1/deliveries/${id}/redeliver`);
        toast('Queued: it is sent again now, as a new attempt of the same delivery.');
        await draw(true);
      } catch (err) {
        toast(`Could not redeliver: ${describeError(err)}`, 'error');
        redeliver.disabled = false;
      }
    });
    replace(
      main,
      h('p', { class: 'back' }, h('a', { href: `#/webhooks/${d.webhookId}/log` }, '← Request log')),
      h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, `Delivery: ${d.eventType}`), redeliver),
      h(
        'dl',
        { class: 'summary card' },
        h('dt', {}, 'Status'),
        h('dd', { id: 'delivery-status' }, badge(d.status), d.test ? ' (test)' : ''),
        h('dt', {}, 'Attempts'),
        h('dd', {}, String(d.attempts.length)),
        h('dt', {}, 'Event id'),
        h('dd', { class: 'mono wrap' }, d.eventId),
        h('dt', {}, 'Delivery id'),
        h('dd', { class: 'mono wrap' }, d.id),
        h('dt', {}, 'Created'),
        h('dd', {}, time(d.createdAt)),
        d.nextAttemptAt ? [h('dt', {}, 'Next attempt'), h('dd', {}, time(d.nextAttemptAt), ' (', time(d.nextAttemptAt, { relative: true }), ')')] : null,
        d.completedAt ? [h('dt', {}, 'Finished'), h('dd', {}, time(d.completedAt))] : null,
        d.lastError ? [h('dt', {}, 'Last error'), h('dd', { class: 'wrap' }, d.lastError)] : null,
      ),
      h('h2', {}, 'Attempts'),
      d.attempts.length
        ? h('ol', { class: 'attempts', reversed: true }, [...d.attempts].reverse().map((a, i) => attemptView(a, i === 0, i === 0 && d.status === 'failed')))
        : h('p', { class: 'muted' }, 'No attempt yet: it is queued and goes out shortly.'),
      h('details', { class: 'card' }, h('summary', {}, 'Event payload'), pre(JSON.stringify(d.event, null, 2), 'Event payload')),
    );
  }
  await draw(true);
}

/** Where focus is inside main, as a selector to find it again after a redraw. */
function focusKey(main: HTMLElement): string | undefined {
  const el = document.activeElement;
  if (!el || !main.contains(el) || el === main) return undefined;
  return el.id ? `#${el.id}` : 'h1';
}

/**
 * The newest attempt opens its bodies; older ones (often the same request again) stay folded.
 * `final`: the delivery was given up after it, so an answer that asked for a retry is shown as
 * what it became, a failure: no retry follows it.
 */
function attemptView(a: Attempt, newest: boolean, final = false): HTMLElement {
  const ok = a.outcome === 'success';
  const outcome = final && a.outcome === 'retry' ? 'failed' : a.outcome;
  const errorText = a.error && a.error !== `HTTP ${a.responseStatus}` ? a.error : null;
  return h(
    'li',
    { class: `attempt card ${ok ? 'is-ok' : 'is-failed'}`, 'data-attempt': a.attempt },
    h(
      'h3',
      {},
      `Attempt ${a.attempt} `,
      badge(ok ? 'succeeded' : 'failed', outcome),
      ' ',
      a.responseStatus ? `HTTP ${a.responseStatus}` : 'no answer',
      ` · ${a.durationMs} ms · `,
      time(a.createdAt),
      a.trigger !== 'auto' ? h('span', { class: 'muted' }, ` (${a.trigger})`) : null,
    ),
    errorText ? h('p', { class: 'field-error' }, errorText) : null,
    outcome !== a.outcome ? h('p', { class: 'muted small' }, `The last of ${a.attempt} ${a.attempt === 1 ? 'attempt' : 'attempts'}: the delivery was given up and marked failed.`) : null,
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        {},
        h('h4', {}, 'Request'),
        h('p', { class: 'mono wrap' }, `POST ${a.url}`),
        h('details', {}, h('summary', {}, 'Headers'), headersList(a.requestHeaders, 'Request headers')),
        h('details', { open: newest }, h('summary', {}, a.requestBodyTruncated ? 'Body (the first 64 KiB; all of it was sent)' : 'Body'), pre(prettyBody(a.requestBody), 'Request body')),
      ),
      h(
        'div',
        {},
        h('h4', {}, 'Response'),
        a.responseStatus !== null
          ? [
              h('p', {}, `Status ${a.responseStatus}`),
              h('details', {}, h('summary', {}, 'Headers'), headersList(a.responseHeaders, 'Response headers')),
              a.responseBody ? h('details', { open: true }, h('summary', {}, a.responseBodyTruncated ? 'Body (the first 16 KiB)' : 'Body'), pre(prettyBody(a.responseBody), 'Response body')) : h('p', { class: 'muted' }, 'Empty body.'),
            ]
          : h('p', { class: 'muted' }, 'No response.'),
      ),
    ),
  );
}
