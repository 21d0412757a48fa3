// Admin commands open the database directly (attaching to a running embedded service through
// its socket when there is one), do their work and close it.
import { loadConfig } from '../../core/config.js';
import type { AppContext } from '../../core/context.js';
import { createLogger } from '../../core/log.js';

export async function withContext<T>(fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  const config = loadConfig();
  // Commands print their results; only warnings and errors go to the log (stderr).
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);
  // Loaded on use: `--help` and usage errors need none of the service.
  const { openContext } = await import('../../store/open.js');
  const { ctx } = await openContext(config, { log });
  try {
    return await fn(ctx);
  } finally {
    await ctx.db.close();
  }
}
