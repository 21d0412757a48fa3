// The parts of the service that start beside the API: the delivery worker, the Slack app.
// Each gets the context and the roles, and may add routes to the app.
import type { AppExtensions } from './api/app.js';
import type { AppContext } from './context.js';
import type { Roles } from './runtime.js';

export interface Plugin {
  extend?(ext: AppExtensions): void;
  stop(): Promise<void>;
}

export interface PluginFactory {
  name: string;
  start(ctx: AppContext, roles: Roles): Promise<Plugin | undefined>;
}

import { deliveryPlugin } from './delivery/engine.js';
import { slackPlugin } from './slack/plugin.js';
import { webPlugin } from './web/routes.js';

export const plugins: PluginFactory[] = [deliveryPlugin, slackPlugin, webPlugin];
