// The two ways to run the forjinn-webhooks command as its own process.
import { fileURLToPath } from 'node:url';

/** The sources through tsx (scripts/from-sources.js): `npm run dev`, no build needed. */
export const SOURCE_BIN = fileURLToPath(new URL('../../scripts/from-sources.js', import.meta.url));

/**
 * The installed command (bin/forjinn-webhooks.js): the compiled build in dist/, as `npm start`
 * runs it, with plain node. What tests spawn: the build is made fresh before every run (`pretest`,
 * and test/setup/template-db.js for a bare `npx jest`), and a process starts in a fraction of the
 * time the sources take through a loader.
 */
export const COMPILED_BIN = fileURLToPath(new URL('../../bin/forjinn-webhooks.js', import.meta.url));
