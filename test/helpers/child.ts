// The service as a separate process, run from the compiled build (test/helpers/bin.ts), for tests that kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMPILED_BIN as BIN } from './bin.js';


export interface Child {
  proc: ChildProcess;
  url?: string;
  /** A worker-only process's http://host:port (GET /metrics, GET /healthz). */
  metricsUrl?: string;
  key?: string;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `logFile`: stdout and stderr go to a file, as when an operator runs `worker >> worker.log`,
 * instead of pipes to this process. A pipe is a handle that keeps the child's event loop alive
 * by itself, which hides a process that would otherwise run out of things to wait for and end.
 */
/**
 * `run`: what runs the command, by default the compiled build (`node <COMPILED_BIN>`); the sources
 * through tsx (`[process.execPath, SOURCE_BIN]`) or an installed package's command (`[path]`).
 */
export async function spawnService(
  command: string,
  env: Record<string, string>,
  opts: { waitFor?: RegExp; logFile?: boolean; run?: string[]; cwd?: string } = {},
): Promise<Child> {
  const logPath = opts.logFile ? join(mkdtempSync(join(tmpdir(), 'fjw-log-')), `${command}.log`) : undefined;
  const fd = logPath ? openSync(logPath, 'a') : undefined;
  const [file, ...args] = opts.run ?? [process.execPath, BIN];
  const proc = spawn(file, [...args, command], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'warn' },
    stdio: fd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  let piped = '';
  proc.stdout?.on('data', (d) => (piped += d));
  proc.stderr?.on('data', (d) => (piped += d));
  const output = () => (logPath ? readFileSync(logPath, 'utf8') : piped);
  const waitFor = opts.waitFor ?? /listening on (http:\/\/\S+)/;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output()}`)), 150_000);
    const poll = logPath ? setInterval(() => check(), 50) : undefined;
    const check = () => {
      if (waitFor.test(output())) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    };
    proc.stdout?.on('data', check);
    proc.stderr?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      reject(new Error(`${command} exited with ${code}:\n${output()}`));
    });
  });
  proc.removeAllListeners('exit');
  const out = output();
  return {
    proc,
    url: /listening on (http:\/\/\S+)/.exec(out)?.[1],
    metricsUrl: /worker metrics: (http:\/\/\S+)\/metrics/.exec(out)?.[1],
    key: /\n\s+(fjk_\S+)\n/.exec(out)?.[1],
    output,
    kill: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill(signal);
      }),
  };
}

/**
 * How the process ended, once it has: its exit code, or the signal that killed it (then code is
 * null, which must not be read as 0). Sends `signal` first when given and the process still runs.
 */
export function exitOf(child: Child, signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  const { proc } = child;
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve({ code: proc.exitCode, signal: proc.signalCode });
    proc.once('exit', (code, sig) => resolve({ code, signal: sig }));
    if (signal) proc.kill(signal);
  });
}

/** Still running: neither exited nor killed. */
export const running = (child: Child): boolean => child.proc.exitCode === null && child.proc.signalCode === null;
