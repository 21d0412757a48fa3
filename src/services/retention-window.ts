// How far back history goes (FORJINN_RETENTION), as the request log, the events list, the page
// and `forjinn-webhooks prune` say it: one window, computed here, so they cannot disagree. No
// imports: the page's bundle takes describePeriod along.

/** What a list answer carries: the period as configured (`30d`) and the oldest time kept. */
export interface RetentionWindow {
  period: string;
  since: string;
}

const UNITS: ReadonlyArray<readonly [suffix: string, ms: number, word: string]> = [
  ['d', 86_400_000, 'day'],
  ['h', 3_600_000, 'hour'],
  ['m', 60_000, 'minute'],
  ['s', 1_000, 'second'],
  ['ms', 1, 'millisecond'],
];

/** 2,592,000,000 → `30d`, 43,200,000 → `12h`, 90 minutes → `90m`: the largest unit that divides it. */
export function formatPeriod(ms: number): string {
  const [suffix, size] = UNITS.find(([, size]) => ms % size === 0) ?? UNITS[UNITS.length - 1];
  return `${ms / size}${suffix}`;
}

/** `30d` → `30 days`, `1m` → `1 minute`; anything else as it is. */
export function describePeriod(period: string): string {
  const m = /^(\d+)(ms|d|h|m|s)$/.exec(period);
  const unit = m && UNITS.find(([suffix]) => suffix === m[2]);
  if (!m || !unit) return period;
  return `${m[1]} ${unit[2]}${m[1] === '1' ? '' : 's'}`;
}

/** The window for a retention (ms) at `now`; null when history is kept forever (0). */
export function retentionWindow(retentionMs: number, now: Date = new Date()): RetentionWindow | null {
  if (!retentionMs) return null;
  return { period: formatPeriod(retentionMs), since: new Date(now.getTime() - retentionMs).toISOString() };
}
