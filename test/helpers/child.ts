// The service as a separate process (bin/forjinn-webhooks.js), for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/forjinn-webhooks.js', import.meta.url));

export interface Child {
  proc: ChildProcess;
  url?: string;
  key?: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnService(command: string, env: Record<string, string>, opts: { waitFor?: RegExp } = {}): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, command], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const waitFor = opts.waitFor ?? /listening on (http:\/\/\S+)/;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${out}`)), 150_000);
    const check = () => {
      if (waitFor.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on('data', check);
    proc.stderr!.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code}:\n${out}`));
    });
  });
  proc.removeAllListeners('exit');
  return {
    proc,
    url: /listening on (http:\/\/\S+)/.exec(out)?.[1],
    key: /\n\s+(fjk_\S+)\n/.exec(out)?.[1],
    output: () => out,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}
