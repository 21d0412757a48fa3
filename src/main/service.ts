// Starting and stopping the service: database (embedded or PostgreSQL), migrations, the HTTP
// server and the delivery worker, each closed on SIGTERM in reverse order.
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { countApiKeys } from '../store/api-keys.js';
import { createApiKey } from '../services/auth/api-keys.js';
import { loadConfig, type Config } from '../core/config.js';
import type { AppContext } from '../core/context.js';
import { openDatabase, type Database } from '../store/database.js';
import { migrate, OwnerGoneError } from '../store/migrate.js';
import { createApp, requestListener, type AppExtensions } from '../doors/api/app.js';
import { createCipher, loadMasterKey } from '../core/crypto.js';
import { createLogger, type Logger } from '../core/log.js';
import { plugins, type Plugin } from '../plugins.js';
import { Bus } from '../core/bus.js';

export interface Roles {
  api: boolean;
  worker: boolean;
}

export interface Runtime {
  ctx: AppContext;
  /** http://host:port of the API, when the api role runs. */
  url?: string;
  /** The express application, when the api role runs. */
  app?: Express;
  /** Set on first start: the key printed for the `default` workspace. */
  bootstrapKey?: string;
  close(): Promise<void>;
}

export async function openContext(
  config: Readonly<Config>,
  opts: { exclusive?: boolean; log?: Logger; requestTimeouts?: boolean } = {},
): Promise<{ ctx: AppContext; db: Database }> {
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const { key, generated } = loadMasterKey(config.FORJINN_MASTER_KEY, config.DATA_DIR);
  if (generated) log.warn({ dataDir: config.DATA_DIR }, 'generated a master key into DATA_DIR/master.key; back it up, or set FORJINN_MASTER_KEY');
  let db: Database;
  for (let attempt = 1; ; attempt++) {
    db = await openDatabase(config, { exclusive: opts.exclusive, requestTimeouts: opts.requestTimeouts, log });
    try {
      await migrate(db);
      break;
    } catch (err) {
      await db.close();
      // Attached to an embedded owner that stopped meanwhile: open again (and own it now).
      if (!(err instanceof OwnerGoneError) || attempt >= 5) throw err;
    }
  }
  const ctx: AppContext = { config, db, cipher: createCipher(key), log, wake: () => {}, bus: new Bus() };
  return { ctx, db };
}

export async function startRuntime(
  config: Readonly<Config> = loadConfig(),
  roles: Roles = { api: true, worker: true },
  opts: { log?: Logger; extensions?: AppExtensions } = {},
): Promise<Runtime> {
  // The service's statements are bounded (a stalled database answers 503); the CLI's are not.
  const { ctx } = await openContext(config, { exclusive: true, log: opts.log, requestTimeouts: true });
  const closers: Array<() => Promise<void>> = [() => ctx.db.close()];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((err) => ctx.log.error({ err }, 'error while closing'));
  };
  try {
    if (!config.allowPrivate) ctx.log.info('private and loopback webhook targets are refused');
    else ctx.log.warn('FORJINN_ALLOW_PRIVATE: webhooks may target private and loopback addresses (the default outside production)');

    const active: Plugin[] = [];
    for (const p of plugins) {
      const started = await p.start(ctx, roles);
      if (started) {
        active.push(started);
        closers.push(() => started.stop());
      }
    }

    let url: string | undefined;
    let bootstrapKey: string | undefined;
    let app: Express | undefined;
    if (roles.api) {
      if ((await countApiKeys(ctx.db.pool)) === 0) bootstrapKey = (await createApiKey(ctx.db.pool, 'default', 'bootstrap')).key;
      const ext: AppExtensions = { routes: [], publicRoutes: [], ...opts.extensions };
      for (const p of active) p.extend?.(ext);
      app = createApp(ctx, ext);
      const listening = createServer(requestListener(app, ext.fast));
      const server: Server = await new Promise((resolve, reject) => {
        const s = listening.listen(config.PORT, config.HOST, () => resolve(s)).once('error', reject);
      });
      server.keepAliveTimeout = 65_000;
      closers.push(
        () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          }),
      );
      const { port } = server.address() as AddressInfo;
      const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
      url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
      ctx.log.info({ address: url, database: ctx.db.kind }, 'listening');
    }
    return { ctx, url, app, bootstrapKey, close };
  } catch (err) {
    await close();
    throw err;
  }
}
