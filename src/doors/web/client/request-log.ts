// The request log of one webhook: deliveries newest first, filtered by status, paged by
// cursor; "Recover failed since …". Refreshes itself while something is still pending.
import { api, describeError } from './api.js';
import { badge, h, notice, replace, time, toast } from './dom.js';
import type { View } from './view.js';
import type { Delivery, HistoryPage, Webhook } from './types.js';
import { fillHistoryLine, historyLine } from './history-line.js';
import { eventsText } from './webhook-list.js';

const STATUSES = ['pending', 'succeeded', 'failed', 'cancelled', 'muted', 'grouped'];
// Retries on the default schedule are minutes apart; two seconds keeps a fast retry visible
// without loading the service.
const POLL_MS = 2000;

/** A datetime-local value (the viewer's zone) for a time. */
function localInput(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export async function renderLog({ main, signal, params }: View) {
  const id = params[0];
  const w = await api<Webhook>('GET', `/v1/webhooks/${id}`, undefined, { signal });
  const filter = h('select', { id: 'status-filter' }, h('option', { value: '' }, 'All'), STATUSES.map((s) => h('option', { value: s }, s)));
  const refreshBtn = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  const rows = h('tbody', {});
  const table = h(
    'table',
    { class: 'log' },
    h('caption', { class: 'visually-hidden' }, 'Deliveries, newest first'),
    h('thead', {}, h('tr', {}, ['Created', 'Event', 'Status', 'Attempts', 'Last answer', 'Latency', 'Details'].map((c) => h('th', { scope: 'col', class: c === 'Attempts' || c === 'Latency' ? 'num' : null }, c)))),
    rows,
  );
  const body = h('div', { 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load older deliveries');
  const history = historyLine(undefined);
  let cursor: string | null = null;
  let pagesLoaded = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });

  async function load(append: boolean) {
    clearTimeout(timer);
    const q = new URLSearchParams({ limit: '25' });
    if (filter.value) q.set('status', filter.value);
    if (append && cursor) q.set('cursor', cursor);
    const page = await api<HistoryPage<Delivery>>('GET', `/v1/webhooks/${id}/deliveries?${q}`, undefined, { signal });
    fillHistoryLine(history, page.retention);
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('tr[data-delivery]')?.dataset.delivery;
    if (!append) rows.replaceChildren();
    pagesLoaded = append ? pagesLoaded + 1 : 1;
    for (const d of page.data) rows.appendChild(row(d));
    // A refresh keeps the keyboard on the row it was on.
    if (focused && !append) rows.querySelector<HTMLElement>(`tr[data-delivery="${focused}"] a`)?.focus({ preventScroll: true });
    cursor = page.nextCursor;
    more.hidden = !cursor;
    if (!rows.children.length) {
      replace(
        body,
        filter.value
          ? notice('empty', `No ${filter.value} deliveries.`, h('p', {}, 'Choose "All" to see every delivery.'))
          : notice('empty', 'No deliveries yet.', h('p', {}, 'Send a test from ', h('a', { href: `#/webhooks/${id}` }, "the webhook's page"), ', or report an event with POST /v1/events: every event this webhook subscribes to shows up here.')),
      );
    } else if (!body.contains(table)) replace(body, table);
    // Only the first page is refreshed, so paging back through old rows is left alone.
    const pending = page.data.some((d) => d.status === 'pending');
    if (pending && pagesLoaded === 1 && !signal.aborted) timer = setTimeout(() => void load(false).catch(() => {}), POLL_MS);
  }

  filter.addEventListener('change', () => void load(false).catch(showError));
  refreshBtn.addEventListener('click', () => void load(false).catch(showError));
  more.addEventListener('click', () => void load(true).catch(showError));
  function showError(err: unknown) {
    if (!signal.aborted) toast(`Could not load the log: ${describeError(err)}`, 'error');
  }

  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '#/webhooks' }, '← Webhooks')),
    h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Request log'), h('a', { class: 'button secondary', href: `#/webhooks/${id}` }, 'Edit webhook')),
    h('p', { class: 'lead' }, h('span', { class: 'mono wrap' }, w.url), ` · ${eventsText(w.events)}`, w.description ? ` · ${w.description}` : ''),
    !w.enabled ? notice('info', w.disabledReason ? `Disabled: ${w.disabledReason}.` : 'This webhook is switched off.', h('p', {}, 'Nothing is delivered to it, and Redeliver and Recover need it on: switch it on in the webhooks list once the endpoint works.')) : null,
    h(
      'div',
      { class: 'toolbar' },
      h('div', { class: 'inline-controls' }, h('label', { for: 'status-filter', class: 'inline-label' }, 'Status'), filter, refreshBtn),
      recoverForm(id, () => void load(false).catch(showError)),
    ),
    body,
    more,
    history,
  );
  await load(false);
}

function row(d: Delivery): HTMLElement {
  const answer = d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? '—');
  return h(
    'tr',
    { 'data-delivery': d.id, 'data-status': d.status },
    h('td', { 'data-label': 'Created' }, time(d.createdAt)),
    h('td', { 'data-label': 'Event' }, d.eventType, d.test ? ' (test)' : '', h('div', { class: 'mono small muted wrap' }, d.eventId)),
    h('td', { 'data-label': 'Status' }, badge(d.status), d.status === 'pending' && d.nextAttemptAt ? h('div', { class: 'small muted' }, 'next try ', time(d.nextAttemptAt, { relative: true })) : null),
    h('td', { 'data-label': 'Attempts', class: 'num' }, String(d.attempts)),
    h('td', { 'data-label': 'Last answer', class: 'wrap' }, answer),
    h('td', { 'data-label': 'Latency', class: 'num' }, d.lastDurationMs === null ? '—' : `${d.lastDurationMs} ms`),
    h('td', {}, h('a', { class: 'button secondary small', href: `#/deliveries/${d.id}`, 'aria-label': `Open the ${d.eventType} delivery ${d.eventId}` }, 'Open')),
  );
}

function recoverForm(webhookId: string, reload: () => void): HTMLElement {
  const since = h('input', { type: 'datetime-local', id: 'recover-since', value: localInput(new Date(Date.now() - 86_400_000)) });
  const button = h('button', { type: 'submit', class: 'secondary' }, 'Recover failed');
  const form = h(
    'form',
    { class: 'inline-controls', 'aria-label': 'Recover failed deliveries' },
    h('label', { for: 'recover-since', class: 'inline-label' }, 'Re-send every failed delivery since'),
    since,
    button,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const at = new Date(since.value);
    if (Number.isNaN(at.getTime())) return toast('Choose a date and time to recover from.', 'error');
    button.disabled = true;
    try {
      const r = await api<{ recovered: number }>('POST', `/v1/webhooks/${webhookId}/recover?since=${encodeURIComponent(at.toISOString())}`);
      toast(r.recovered ? `${r.recovered} failed ${r.recovered === 1 ? 'delivery' : 'deliveries'} queued again.` : 'No failed deliveries since then.');
      reload();
    } catch (err) {
      toast(`Could not recover: ${describeError(err)}`, 'error');
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
