#!/usr/bin/env node
// The forjinn-webhooks command run from the TypeScript sources through tsx (a development
// dependency), with no build: what the tests spawn, so they test the sources as they are.
// `node scripts/from-sources.js serve` is `npm start` without `npm run build` first. The
// installed command, bin/forjinn-webhooks.js, runs the compiled build instead.
import { register } from 'tsx/esm/api';

register();
await import('../src/main/cli.ts');
