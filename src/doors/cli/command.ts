// One CLI command: looked up by its one or two words in the table (commands.ts).
import type { ServiceClient } from './service-client.js';

export interface Command {
  name: string;
  usage: string;
  summary: string;
  /**
   * It has an API route: given a service (--url/--key before the command, or FORJINN_URL and
   * FORJINN_KEY) it runs through the HTTP API; without one, on the database.
   */
  remote?: boolean;
  /** It has only the API route (it reads what the service's API keeps): without a service it refuses. */
  apiOnly?: boolean;
  run(args: string[], service?: ServiceClient): Promise<number>;
}
