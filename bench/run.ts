// npm run bench -- <scenario> [--events N] [--embedded]: runs one scenario (or `all`), prints its table and
// writes bench-results/<scenario>.json. Loopback only; every run cleans up after itself.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { SCENARIOS, type Row } from './scenarios.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { events: { type: 'string' }, embedded: { type: 'boolean', default: false } } });
const names = positionals.length === 0 || positionals[0] === 'all' ? Object.keys(SCENARIOS) : positionals;
for (const n of names) {
  if (!SCENARIOS[n]) {
    console.error(`unknown scenario ${n}; one of: ${Object.keys(SCENARIOS).join(', ')}, all`);
    process.exit(2);
  }
}

function print(name: string, rows: Row[]) {
  const table = rows.map((r) => ({
    measure: r.measure,
    value: `${r.value.toFixed(r.unit === 'ms' ? 1 : 0)} ${r.unit}`,
    target: r.target ?? '',
    ...(r.ceilingRatio !== undefined ? { 'of ceiling': `${(r.ceilingRatio * 100).toFixed(1)} %` } : {}),
    verdict: r.pass === undefined ? '' : r.pass ? 'met' : 'MISSED',
  }));
  console.log(`\n## ${name}`);
  console.table(table);
}

mkdirSync('bench-results', { recursive: true });
for (const name of names) {
  const started = new Date().toISOString();
  const rows = await SCENARIOS[name]({ events: values.events ? Number(values.events) : undefined, embedded: values.embedded });
  print(name, rows);
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(`bench-results/${name}.json`, JSON.stringify({ scenario: name, started, machine, rows }, null, 2));
}
process.exit(0);
