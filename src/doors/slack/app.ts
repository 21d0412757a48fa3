// The Slack app as a part of the service: a Bolt app whose ExpressReceiver is mounted in the
// service's own express server (POST /slack/events, before the JSON parser: the signature is
// over the raw body). The request guard lets in only signed, recent, first-seen requests.
// On when SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN are set. Every Web API call goes to
// SLACK_API_URL. Alerts run where the worker runs (the bus events fire there); commands and
// buttons where the API runs (main mounts `mount` in the API's app, with /v1/slack/links).
// Send Test uses the process's one engine.
import express, { type Express } from 'express';
import { App, ExpressReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { AppContext } from '../../core/context.js';
import type { Logger } from '../../core/log.js';
import type { Engine } from '../../services/delivery/engine.js';
import { answer, runCommand, type SlackDeps } from './commands.js';
import { registerActions } from './actions.js';
import { Alerts } from './alerts.js';
import { slackRequestGuard } from './request-guard.js';
import { Tasks } from './tasks.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * Bolt's and the Web API client's messages into the service log. Their debug level prints
 * request and answer bodies (a new webhook's secret, response URLs), so it is dropped.
 */
function boltLogger(log: Logger): BoltLogger {
  const child = log.child({ component: 'slack' });
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: () => {},
    info: (...msg) => child.info(text(msg)),
    warn: (...msg) => child.warn(text(msg)),
    error: (...msg) => child.error(text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

export interface SlackApp {
  /** Mounts POST /slack/events (the request guard, then Bolt's receiver) before the JSON parser. */
  mount(app: Express): void;
  stop(): Promise<void>;
}

/** The Slack app, or undefined when it is off (no signing secret or bot token). */
export function createSlackApp(ctx: AppContext, engine: Engine, roles: { worker: boolean }): SlackApp | undefined {
  const { SLACK_SIGNING_SECRET: signingSecret, SLACK_BOT_TOKEN: token, SLACK_API_URL: apiUrl } = ctx.config;
  if (!signingSecret || !token) {
    ctx.log.info('Slack app off: set SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN to turn it on (docs/slack.md)');
    return undefined;
  }
  const logger = boltLogger(ctx.log);
  // Its own router, so the receiver's route can be mounted in the service's app below.
  const receiver = new ExpressReceiver({
    signingSecret,
    logger,
    endpoints: SLACK_EVENTS_PATH,
    // A signed body that is not a JSON object never reaches it: the request guard answers 400.
    router: express.Router(),
  });
  const app = new App({
    receiver,
    logger,
    // One bot token for the one Slack workspace (or org) the app is installed in. Given as
    // authorize, not `token`, so starting does not call auth.test on Slack.
    authorize: async () => ({ botToken: token }),
    convoStore: false,
    clientOptions: {
      slackApiUrl: `${apiUrl.replace(/\/+$/, '')}/`,
      // A few quick retries; an alert that cannot be posted is logged, not queued for hours.
      retryConfig: { retries: 2, factor: 2, minTimeout: 500, maxTimeout: 4_000 },
      timeout: 10_000,
    },
  });
  app.error(async (err) => {
    ctx.log.warn({ err: { message: err.message, code: (err as { code?: string }).code } }, 'slack request failed');
  });

  const tasks = new Tasks();
  const deps: SlackDeps = {
    ctx,
    engine,
    tasks,
    admins: new Set(ctx.config.SLACK_ADMIN_USERS.split(',').map((s) => s.trim()).filter(Boolean)),
  };

  // Any command name: the manifest says /forjinn, but an admin may have named it otherwise.
  app.command(/^\/.+/, async ({ ack, body, respond }) => {
    await answer(deps, (r) => ack(r), respond, () => runCommand(deps, body));
  });
  registerActions(app, deps, token);

  const alerts = roles.worker
    ? new Alerts(ctx, (m) => app.client.chat.postMessage({ token, ...m }), tasks)
    : undefined;
  alerts?.start();
  ctx.log.info({ apiUrl, admins: deps.admins.size }, 'Slack app on: POST /slack/events');

  return {
    mount(a) {
      a.post(SLACK_EVENTS_PATH, ...slackRequestGuard({ signingSecret, db: ctx.db.pool, log: ctx.log }));
      a.use(receiver.router);
    },
    async stop() {
      alerts?.stop();
      await tasks.drain();
    },
  };
}
