#!/usr/bin/env node
// `npm run build`: src/ compiled to dist/ (JavaScript and .d.ts, tsconfig.build.json), then the
// settings page's client code bundled into dist/doors/web/assets/ (app.js, app.css), so the
// service runs with plain `node` and no esbuild. `npm ci` runs it (the `prepare` script).
//
//   node scripts/build.js               build (dist/ is emptied first: no file of a removed source stays)
//   node scripts/build.js --if-changed  build unless dist/ was built from the sources as they are now (`pretest`)
//   node scripts/build.js --check       exit 1 unless dist/ was built from the sources as they are now
//
// "As they are now": a hash of every file under src/ and of the build's own inputs, written to
// dist/.build-hash last, so a build that failed half way never counts as up to date.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build-hash');
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'scripts/build.js'];

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of [...files(join(ROOT, 'src')), ...INPUTS.map((f) => join(ROOT, f))]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

const upToDate = () => existsSync(STAMP) && readFileSync(STAMP, 'utf8') === sourceHash();

async function build() {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
  if (compiled.status !== 0) {
    console.error('build: tsc failed (see above); dist/ is incomplete');
    process.exit(1);
  }
  const { bundleClient } = await import('../dist/doors/web/bundle.js');
  const assets = join(DIST, 'doors/web/assets');
  mkdirSync(assets, { recursive: true });
  for (const [name, body] of await bundleClient(join(ROOT, 'src/doors/web/client/main.ts'))) writeFileSync(join(assets, name), body);
  writeFileSync(STAMP, sourceHash());
  console.log(`build: dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const mode = process.argv[2];
if (mode === '--check') {
  if (!upToDate()) {
    console.error('dist/ is missing or was not built from the current sources: run `npm run build` (`npm test` does it first)');
    process.exit(1);
  }
} else if (mode === '--if-changed' && upToDate()) {
  console.log('build: dist/ is up to date with the sources');
} else if (mode === undefined || mode === '--if-changed') {
  await build();
} else {
  console.error(`usage: node scripts/build.js [--if-changed | --check]`);
  process.exit(2);
}
