// The events of the workspace, newest first, with what became of their deliveries; open one
// to see each delivery it made.
import { api, describeError } from './api.js';
import { badge, h, notice, replace, time } from './dom.js';
import type { View } from './view.js';
import type { EventRow, HistoryPage } from './types.js';
import type { RetentionWindow } from '../../../services/retention-window.js';
import { historyLine } from './history-line.js';

interface EventDetail {
  deliveries: Array<{ id: string; webhookId: string; status: string; attempts: number; lastStatusCode: number | null }>;
}

export async function renderEvents({ main, signal }: View) {
  const rows = h('tbody', {});
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Load older events');
  let cursor: string | null = null;
  let retention: RetentionWindow | null = null;

  async function load() {
    const q = new URLSearchParams({ limit: '25' });
    if (cursor) q.set('cursor', cursor);
    const page = await api<HistoryPage<EventRow>>('GET', `/v1/events?${q}`, undefined, { signal });
    retention = page.retention;
    for (const e of page.data) rows.append(...row(e));
    cursor = page.nextCursor;
    more.hidden = !cursor;
    return page.data.length;
  }
  more.addEventListener('click', () => void load().catch(() => {}));

  const head = h('div', { class: 'page-head' }, h('h1', { tabindex: -1 }, 'Events'));
  if (!(await load())) {
    const example = `curl -X POST ${location.origin}/v1/events \\\n  -H "Authorization: Bearer $FORJINN_API_KEY" -H "Content-Type: application/json" \\\n  -d '{"event":"flow_completed","chatflowId":"demo","input":"hello","output":"hi"}'`;
    replace(
      main,
      head,
      notice(
        'empty',
        'No events yet.',
        h('p', {}, 'The Forjinn platform reports events here, and each one is delivered to every webhook that subscribes to its type. To try it, report one yourself:'),
        h('pre', { class: 'code', tabindex: 0 }, example),
        h('p', {}, 'Or use Send Test on a ', h('a', { href: '#/webhooks' }, 'webhook'), '.'),
      ),
      historyLine(retention),
    );
    return;
  }
  replace(
    main,
    head,
    h('p', { class: 'lead' }, 'Everything reported to this workspace, and how many deliveries each event made.'),
    h(
      'table',
      { class: 'log events' },
      h('caption', { class: 'visually-hidden' }, 'Events, newest first'),
      h('thead', {}, h('tr', {}, ['Received', 'Type', 'Event id', 'Deliveries', 'Succeeded', 'Failed', 'Pending', 'Details'].map((c, i) => h('th', { scope: 'col', class: i >= 3 && i <= 6 ? 'num' : null }, c)))),
      rows,
    ),
    more,
    historyLine(retention),
  );
}

function row(e: EventRow): HTMLElement[] {
  const detail = h('tr', { class: 'event-deliveries', hidden: true }, h('td', { colspan: 8 }));
  const toggle = h('button', { type: 'button', class: 'secondary small', 'aria-expanded': 'false', 'aria-label': `Deliveries of event ${e.id}` }, 'Deliveries');
  toggle.addEventListener('click', async () => {
    const open = detail.hidden;
    detail.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    if (!open) return;
    const cell = detail.firstElementChild as HTMLElement;
    replace(cell, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const d = await api<EventDetail>('GET', `/v1/events/${encodeURIComponent(e.id)}`);
      replace(
        cell,
        d.deliveries.length
          ? h('ul', { class: 'plain' }, d.deliveries.map((x) => h('li', {}, badge(x.status), ` ${x.attempts} attempt${x.attempts === 1 ? '' : 's'}`, x.lastStatusCode ? `, HTTP ${x.lastStatusCode}` : '', ' · ', h('a', { href: `#/deliveries/${x.id}` }, 'open delivery'))))
          : h('p', { class: 'muted' }, 'No webhook subscribed to this event (or its filters left it out).'),
      );
    } catch (err) {
      replace(cell, h('p', { class: 'field-error' }, describeError(err)));
    }
  });
  return [
    h(
      'tr',
      { 'data-event': e.id },
      h('td', { 'data-label': 'Received' }, time(e.createdAt)),
      h('td', { 'data-label': 'Type' }, e.type, e.test ? ' (test)' : ''),
      h('td', { 'data-label': 'Event id', class: 'mono small wrap' }, e.id),
      h('td', { 'data-label': 'Deliveries', class: 'num' }, String(e.deliveries)),
      h('td', { 'data-label': 'Succeeded', class: 'num' }, String(e.succeeded)),
      h('td', { 'data-label': 'Failed', class: 'num' }, e.failed ? badge('failed', String(e.failed)) : '0'),
      h('td', { 'data-label': 'Pending', class: 'num' }, String(e.pending)),
      h('td', {}, e.deliveries ? toggle : null),
    ),
    detail,
  ];
}
