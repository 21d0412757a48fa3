// Whether the Slack app runs, decided before loading it: Bolt and the Slack Web API client are
// loaded only when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are both set, so a service without
// Slack does not carry them in memory (docs/performance.md, memory).
import type { AppContext } from '../../core/context.js';
import type { Engine } from '../../services/delivery/engine.js';
import type { SlackApp } from './app.js';

export async function startSlackApp(ctx: AppContext, engine: Engine, roles: { worker: boolean }): Promise<SlackApp | undefined> {
  if (!ctx.config.SLACK_SIGNING_SECRET || !ctx.config.SLACK_BOT_TOKEN) {
    ctx.log.info('Slack app off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on (docs/slack.md)');
    return undefined;
  }
  const { createSlackApp } = await import('./app.js');
  return createSlackApp(ctx, engine, roles);
}
