// Admin commands open the database directly (attaching to a running embedded service through
// its socket when there is one), do their work and close it. They open only a database that is
// there: a DATA_DIR without one (mistyped) is an error naming it, not a new database and a new
// master key (serve and migrate create them).
import { loadConfig } from '../../core/config.js';
import type { AppContext } from '../../core/context.js';
import { createLogger, resolveLogFormat } from '../../core/log.js';

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Commands print their results; only warnings and errors go to the log (stderr).
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, undefined, resolveLogFormat(config.LOG_FORMAT));
  // Loaded on use: `--help` and usage errors need none of the service.
  const { openContext } = await import('../../store/open.js');
  const { ctx } = await openContext(config, { log, mustExist: true });
  try {
    return await fn(ctx);
  } finally {
    await ctx.db.close();
  }
}
