// What every part of the running service shares; built once by the server or the CLI.
import type { Config } from './config.js';
import type { Database } from '../store/database.js';
import type { Cipher } from './crypto.js';
import type { Logger } from './log.js';
import type { Bus } from './bus.js';
import type { LocalWorker } from '../services/delivery/handoff.js';

export interface AppContext {
  config: Readonly<Config>;
  db: Database;
  cipher: Cipher;
  log: Logger;
  /** Tells this process's worker that new deliveries are due (set when a worker runs here). */
  wake: () => void;
  /** This process's worker, when one runs here: ingest leases new deliveries straight to it. */
  local?: LocalWorker;
  /** In-process notifications (delivery failed, webhook disabled). */
  bus: Bus;
}
