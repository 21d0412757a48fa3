// Runs a forjinn-webhooks command to completion as its own process and answers its exit code and output.
import { spawn } from 'node:child_process';
import { COMPILED_BIN as BIN } from './bin.js';


export async function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const proc = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return { code, out };
}
