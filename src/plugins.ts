// The parts of the service that start beside the API: the delivery worker, the Slack app.
// Each gets the context and the roles, and may add routes to the app.
import type { AppExtensions } from './doors/api/app.js';
import type { AppContext } from './core/context.js';
import type { Roles } from './main/service.js';

export interface Plugin {
  extend?(ext: AppExtensions): void;
  stop(): Promise<void>;
}

export interface PluginFactory {
  name: string;
  start(ctx: AppContext, roles: Roles): Promise<Plugin | undefined>;
}

import { deliveryPlugin } from './services/delivery/engine.js';
import { slackPlugin } from './doors/slack/plugin.js';
import { webPlugin } from './doors/web/routes.js';

export const plugins: PluginFactory[] = [deliveryPlugin, slackPlugin, webPlugin];
