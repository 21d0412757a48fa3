// What every part of the running service shares; built once by the server or the CLI.
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { Cipher } from './util/crypto.js';
import type { Logger } from './util/log.js';
import type { Bus } from './bus.js';

export interface AppContext {
  config: Readonly<Config>;
  db: Database;
  cipher: Cipher;
  log: Logger;
  /** Tells this process's worker that new deliveries are due (set when a worker runs here). */
  wake: () => void;
  /** In-process notifications (delivery failed, webhook disabled). */
  bus: Bus;
}
