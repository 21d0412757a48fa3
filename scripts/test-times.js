#!/usr/bin/env node
// Where a test run's time went: each pass's wall time and the ten slowest test files of all the
// passes, read from the JSON that jest wrote (`--json --outputFile`). .ci/run prints it at the end.
//
//   node scripts/test-times.js <pass name>=<jest json> [<pass name>=<jest json> …]
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';

const files = [];
const passes = [];
let passed = 0;
let failed = 0;
for (const arg of process.argv.slice(2)) {
  const [name, path] = arg.split('=');
  if (!existsSync(path)) {
    passes.push(`${name}: no results (the pass did not finish)`);
    continue;
  }
  const run = JSON.parse(readFileSync(path, 'utf8'));
  const ends = run.testResults.map((t) => t.endTime);
  const wall = ends.length ? (Math.max(...ends) - run.startTime) / 1000 : 0;
  passed += run.numPassedTests;
  failed += run.numFailedTests;
  passes.push(`${name}: ${wall.toFixed(0)} s, ${run.numPassedTests} passed, ${run.numFailedTests} failed, ${run.numTotalTestSuites} files`);
  for (const t of run.testResults) files.push({ pass: name, file: relative(process.cwd(), t.name), s: (t.endTime - t.startTime) / 1000 });
}
console.log('=== where the time went ===');
for (const p of passes) console.log(p);
console.log('ten slowest test files:');
for (const f of files.sort((a, b) => b.s - a.s).slice(0, 10)) console.log(`${f.s.toFixed(1).padStart(7)} s  ${f.pass}  ${f.file}`);
console.log(`total: ${passed} passed, ${failed} failed`);
