// Durations as people write them: 100ms, 30s, 1m, 2h, 30d (a bare number is milliseconds).
const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) throw new Error(`"${text}" is not a duration (examples: 100ms, 30s, 1m, 2h, 30d)`);
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']);
}

export function parseDurationList(text: string): number[] {
  const parts = text.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) throw new Error('expected a comma-separated list such as 1m,2m,4m');
  return parts.map(parseDuration);
}
