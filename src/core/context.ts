// What every part of the running service shares; built once by the server or the CLI
// (store/open.ts). Parts that need the delivery engine get it passed explicitly.
import type { Config } from './config.js';
import type { Database } from './database.js';
import type { Cipher } from './crypto.js';
import type { Logger } from './log.js';
import type { Bus } from './bus.js';

export interface AppContext {
  config: Readonly<Config>;
  db: Database;
  cipher: Cipher;
  log: Logger;
  /** In-process notifications (delivery failed, webhook disabled). */
  bus: Bus;
}

/** What a process runs: the API (with the page and the Slack app) and/or a delivery worker. */
export interface Roles {
  api: boolean;
  worker: boolean;
}
