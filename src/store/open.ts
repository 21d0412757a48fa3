// Opening the service's shared context: the master key, the database (embedded or PostgreSQL)
// brought up to date by the migrations, the cipher, the log and the bus. The service (main)
// and the CLI's admin commands both start here.
import type { Config } from '../core/config.js';
import type { AppContext } from '../core/context.js';
import { createCipher, loadMasterKey } from '../core/crypto.js';
import { createLogger, resolveLogFormat, type Logger } from '../core/log.js';
import { Bus } from '../core/bus.js';
import { openDatabase, type Database } from './database.js';
import { assertEmbeddedExists } from './embedded.js';
import { migrate, OwnerGoneError } from './migrate.js';

export async function openContext(
  config: Readonly<Config>,
  opts: { exclusive?: boolean; log?: Logger; requestTimeouts?: boolean; mustExist?: boolean } = {},
): Promise<{ ctx: AppContext; db: Database }> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL, undefined, resolveLogFormat(config.LOG_FORMAT));
  // mustExist (the admin commands): open what is there, create neither a database nor a master key.
  if (opts.mustExist && !config.DATABASE_URL) assertEmbeddedExists(config.DATA_DIR);
  const { key, generated } = loadMasterKey(config.FORJINN_MASTER_KEY, config.DATA_DIR, { mustExist: opts.mustExist });
  if (generated) log.warn({ dataDir: config.DATA_DIR }, 'generated a master key into DATA_DIR/master.key; back it up, or set FORJINN_MASTER_KEY');
  let db: Database;
  for (let attempt = 1; ; attempt++) {
    db = await openDatabase(config, { exclusive: opts.exclusive, requestTimeouts: opts.requestTimeouts, log });
    try {
      await migrate(db, { retentionMs: config.FORJINN_RETENTION });
      break;
    } catch (err) {
      await db.close();
      // Attached to an embedded owner that stopped meanwhile: open again (and own it now).
      if (!(err instanceof OwnerGoneError) || attempt >= 5) throw err;
    }
  }
  const ctx: AppContext = { config, db, cipher: createCipher(key), log, bus: new Bus() };
  return { ctx, db };
}
