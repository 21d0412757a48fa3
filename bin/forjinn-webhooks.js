#!/usr/bin/env node
// The forjinn-webhooks command (`npm start`, `npm run migrate`, `npx forjinn-webhooks`, and the
// installed package's bin): the compiled build in dist/ run with plain node. `npm ci` makes it
// (the `prepare` script runs `npm run build`). From the TypeScript sources, with no build:
// scripts/from-sources.js (what the tests spawn).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main/cli.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('forjinn-webhooks: there is no compiled build (dist/main/cli.js): run `npm run build` in the package folder (`npm ci` does it)\n');
  process.exit(1);
}
await import(entry.href);
