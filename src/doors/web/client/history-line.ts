// The one quiet line under the request log and the events list: how far back history goes
// (FORJINN_RETENTION), from the `retention` of the list answer.
import { h, viewerZone } from './dom.js';
import { describePeriod, type RetentionWindow } from '../../../services/retention-window.js';

const sinceFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function historyLine(retention: RetentionWindow | null | undefined): HTMLElement {
  const p = h('p', { class: 'muted small history-line' });
  fillHistoryLine(p, retention);
  return p;
}

/** Writes the line into `p` again (a refreshed list moves `since` on); undefined: not known yet, empty. */
export function fillHistoryLine(p: HTMLElement, retention: RetentionWindow | null | undefined) {
  if (retention === undefined) {
    p.replaceChildren();
    return;
  }
  if (retention === null) {
    p.replaceChildren('History is kept forever (FORJINN_RETENTION=0).');
    return;
  }
  const since = new Date(retention.since);
  const at = h('time', { datetime: retention.since, title: `${sinceFormat.format(since)} (${viewerZone})` }, sinceFormat.format(since));
  p.replaceChildren(`History is kept for ${describePeriod(retention.period)} (since `, at, ').');
}
