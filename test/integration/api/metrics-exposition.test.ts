// GET /metrics as a stock Node.js dashboard and Prometheus read it: Node's process metrics under
// their standard names, the service's own under forjinn_, and an exposition promtool accepts.
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { startService, type TestService } from '../../helpers/service.js';

let svc: TestService;
beforeAll(async () => {
  svc = await startService();
});
afterAll(async () => {
  await svc?.close();
});

const scrape = async () => {
  const res = await fetch(`${svc.url}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
};

test('process metrics have their standard names; the service’s own carry forjinn_', async () => {
  const text = await scrape();
  for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
    expect(text).toMatch(new RegExp(`^${name} `, 'm'));
  }
  expect(text).not.toMatch(/forjinn_process_|forjinn_nodejs_/);
  expect(text).toMatch(/^# TYPE forjinn_attempts_total counter$/m);
  expect(text).toMatch(/^forjinn_queue_depth\{state="due"\} /m);
});

/** promtool when installed; it is optional (issue 17), so without it the strict check below runs instead, never nothing. */
const promtool = spawnSync('which', ['promtool'], { encoding: 'utf8' }).stdout.trim();

test(`the exposition is clean (${promtool ? 'promtool check metrics' : 'strict line check: promtool not installed'})`, async () => {
  const text = await scrape();
  if (promtool) {
    // Exits non-zero with the problems on stderr when the exposition has an error or a lint finding.
    execFileSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  }
  // Always: the text format (https://prometheus.io/docs/instrumenting/exposition_formats/), each
  // family with HELP and TYPE before its samples, counters named _total, no series twice.
  expect(exposition(text)).toEqual([]);
});

function exposition(text: string): string[] {
  const problems: string[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const label = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
  // NaN in any case: Prometheus reads values with Go's ParseFloat, which takes 'nan' in any case;
  // prom-client writes 'Nan' for the event-loop lag before its first sample (a scrape right after start).
  const sample = new RegExp(`^(${name})(?:\\{(?:${label}(?:,${label})*)?\\})? (-?[0-9.e+-]+|[Nn][Aa][Nn]|[+-]Inf)(?: -?[0-9]+)?$`);
  const help = new Map<string, boolean>();
  const types = new Map<string, string>();
  const series = new Set<string>();
  if (!text.endsWith('\n')) problems.push('does not end with a newline');
  for (const line of text.split('\n').slice(0, -1)) {
    let m: RegExpExecArray | null;
    if (line === '') continue; // empty lines are ignored by the format
    if ((m = new RegExp(`^# HELP (${name}) (.+)$`).exec(line))) {
      if (help.has(m[1])) problems.push(`HELP twice: ${m[1]}`);
      help.set(m[1], true);
    } else if ((m = new RegExp(`^# TYPE (${name}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      if (types.has(m[1])) problems.push(`TYPE twice: ${m[1]}`);
      types.set(m[1], m[2]);
      if (!help.has(m[1])) problems.push(`no HELP before TYPE: ${m[1]}`);
      if (m[2] === 'counter' && !m[1].endsWith('_total')) problems.push(`counter without _total: ${m[1]}`);
    } else if ((m = sample.exec(line))) {
      const family = [m[1], m[1].replace(/_(bucket|sum|count)$/, '')].find((f) => types.has(f));
      if (!family) problems.push(`sample before its TYPE: ${line}`);
      const key = line.slice(0, line.lastIndexOf(' '));
      if (series.has(key)) problems.push(`series twice: ${key}`);
      series.add(key);
    } else {
      problems.push(`not a metrics line: ${line}`);
    }
  }
  return problems;
}
