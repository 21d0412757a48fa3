// What a Slack command runs with and returns; the command table is in commands.ts.
import type { SlashCommand } from '@slack/bolt';
import type { AppContext } from '../../core/context.js';
import type { Engine } from '../../services/delivery/engine.js';
import type { Workspace } from '../../store/workspaces.js';
import type { Reply } from './messages.js';
import type { Tasks } from './tasks.js';

export interface SlackDeps {
  ctx: AppContext;
  /** For Send Test: the same render → sign → send path as the REST API's. */
  engine: Engine;
  /** SLACK_ADMIN_USERS; empty means everyone may change webhooks. */
  admins: Set<string>;
  tasks: Tasks;
}

export interface CommandContext {
  deps: SlackDeps;
  body: SlashCommand;
  workspace: Workspace;
  /** The command as the user typed it (`/forjinn` unless the app was set up under another name). */
  name: string;
}

/** A reply now, or (for slow work such as a test delivery) a reply now and the result later. */
export type Outcome = Reply | { now: Reply; later: () => Promise<Reply> };

export interface CommandSpec {
  usage: string;
  /** Changes webhooks: only SLACK_ADMIN_USERS when that is set. */
  changes: boolean;
  run(c: CommandContext, words: string[]): Promise<Outcome>;
}
