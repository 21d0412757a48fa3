// npm run bench -- <scenario> [--events N] [--embedded]: runs one scenario (or `all`), prints its table (with
// the peak RSS of every process it started) and writes bench-results/<scenario>.json. Loopback only; every run cleans up after itself.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { SCENARIOS, type Row } from './scenarios.js';
import { takeStartedProcesses } from './harness.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { events: { type: 'string' }, embedded: { type: 'boolean', default: false } } });
// `all` leaves out `peers`: it installs other queues' packages and needs Redis (bench/peers.ts).
const names = positionals.length === 0 || positionals[0] === 'all' ? Object.keys(SCENARIOS).filter((n) => n !== 'peers') : positionals;
for (const n of names) {
  if (!SCENARIOS[n]) {
    console.error(`unknown scenario ${n}; one of: ${Object.keys(SCENARIOS).join(', ')}, all`);
    process.exit(2);
  }
}

function print(name: string, rows: Row[]) {
  console.log(`\n## ${name}`);
  const own = rows.filter((r) => r.columns);
  if (own.length > 0) console.table(own.map((r) => r.columns));
  const table = rows.filter((r) => !r.columns).map((r) => ({
    measure: r.measure,
    value: `${r.value.toFixed(r.unit === 'ms' ? 1 : 0)} ${r.unit}`,
    target: r.target ?? '',
    ...(r.ceilingRatio !== undefined ? { 'of ceiling': `${(r.ceilingRatio * 100).toFixed(1)} %` } : {}),
    verdict: r.pass === undefined ? '' : r.pass ? 'met' : 'MISSED',
  }));
  console.table(table);
}

// The service runs as `npm start` runs it: the compiled build (bin/ → dist/), which must be the sources' build.
const built = spawnSync(process.execPath, ['scripts/build.js', '--check'], { encoding: 'utf8' });
if (built.status !== 0) {
  console.error(`${built.stderr.trim() || built.stdout.trim()}\nthe bench measures the compiled build: run \`npm run build\` first`);
  process.exit(2);
}

mkdirSync('bench-results', { recursive: true });
for (const name of names) {
  const started = new Date().toISOString();
  const rows = await SCENARIOS[name]({ events: values.events ? Number(values.events) : undefined, embedded: values.embedded });
  // The peak RSS of every service and worker process the scenario started (VmHWM), in its table.
  for (const p of takeStartedProcesses()) rows.push({ measure: `peak RSS: ${p.label} process`, value: p.peakMb, unit: 'MB' });
  print(name, rows);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(`bench-results/${name}.json`, JSON.stringify({ scenario: name, started, machine, rows }, null, 2));
}
process.exit(0);
