// One CLI command: looked up by its one or two words in the table (commands.ts).
export interface Command {
  name: string;
  usage: string;
  summary: string;
  run(args: string[]): Promise<number>;
}
