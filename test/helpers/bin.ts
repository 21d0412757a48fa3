// The two ways to run the forjinn-webhooks command as its own process.
import { fileURLToPath } from 'node:url';

/** The sources through tsx (scripts/from-sources.js): what tests spawn, so they test the code as it is now. */
export const SOURCE_BIN = fileURLToPath(new URL('../../scripts/from-sources.js', import.meta.url));

/** The installed command (bin/forjinn-webhooks.js): the compiled build in dist/, as `npm start` runs it. */
export const COMPILED_BIN = fileURLToPath(new URL('../../bin/forjinn-webhooks.js', import.meta.url));
