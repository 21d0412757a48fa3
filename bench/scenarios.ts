// The scenarios of the performance issue, each measured the same way every time.
import { api, latencies, percentile, pushEvents, rawCeiling, startReceiver, startService, type Receiver, type Service } from './harness.js';

export interface Row {
  measure: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
  ceilingRatio?: number;
}

type Scenario = (opts: { events?: number }) => Promise<Row[]>;

async function withSetup<T>(embedded: boolean, fn: (svc: Service, rx: Receiver) => Promise<T>, env: Record<string, string> = {}): Promise<T> {
  const rx = await startReceiver(5_000);
  const svc = await startService({ embedded, env });
  try {
    return await fn(svc, rx);
  } finally {
    await svc.stop();
    await rx.close();
  }
}

/** Pushes events as fast as ingest takes them; deliveries/s = events / (first POST → last arrival). */
async function sustained(embedded: boolean, total: number, target: number): Promise<Row[]> {
  return withSetup(embedded, async (svc, rx) => {
    await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'], secret: 'bench-secret-0123456789' });
    // Warm up connections, caches and the JIT, outside the measurement.
    await pushEvents(svc, 500, 'warm');
    await rx.onCount(500);
    const base = rx.count();
    const t0 = performance.now();
    const { seconds: ingestSeconds } = await pushEvents(svc, total, 'run', { connections: 64 });
    await rx.onCount(base + total);
    const seconds = (performance.now() - t0) / 1000;
    const rate = total / seconds;
    const ceiling = await rawCeiling(rx, Math.min(total, 20_000), 128);
    return [
      { measure: `deliveries per second (${embedded ? 'embedded PGlite' : 'PostgreSQL'}, ${total} events)`, value: rate, unit: '/s', target: `≥ ${target}`, pass: rate >= target, ceilingRatio: rate / ceiling },
      { measure: 'ingest: accepted events per second', value: total / ingestSeconds, unit: '/s' },
      { measure: 'raw ceiling: undici straight to the receiver, 128 connections', value: ceiling, unit: '/s' },
      { measure: 'share of the raw ceiling', value: (rate / ceiling) * 100, unit: '%', target: '≥ 25 %', pass: rate / ceiling >= 0.25 },
      { measure: 'peak RSS of the service', value: svc.peakRssMb(), unit: 'MB' },
    ];
  });
}

export const SCENARIOS: Record<string, Scenario> = {
  throughput: ({ events }) => sustained(false, events ?? 30_000, 3_000),
  embedded: ({ events }) => sustained(true, events ?? 10_000, 1_000),

  latency: ({ events }) =>
    withSetup(false, async (svc, rx) => {
      await api(svc, 'POST', '/v1/webhooks', { url: `${rx.url}/fast`, events: ['*'] });
      await pushEvents(svc, 500, 'warm');
      await rx.onCount(500);
      const total = events ?? 5_000; // 10 s at 500/s
      const base = rx.count();
      const { accepted } = await pushEvents(svc, total, 'lat', { connections: 16, ratePerSec: 500 });
      await rx.onCount(base + total);
      const l = latencies(accepted, rx.arrivals);
      return [
        { measure: 'p50 from ingest 202 to the receiver, 500 events/s', value: percentile(l, 50), unit: 'ms' },
        { measure: 'p99 from ingest 202 to the receiver, 500 events/s', value: percentile(l, 99), unit: 'ms', target: '≤ 25 ms', pass: percentile(l, 99) <= 25 },
        { measure: 'max', value: l[l.length - 1], unit: 'ms' },
      ];
    }),
};
