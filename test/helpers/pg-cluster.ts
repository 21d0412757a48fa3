// Stops and starts the PostgreSQL cluster that DATABASE_URL points at (found by its port in
// pg_lsclusters), for tests of a database that goes away under load. Only for test/faults,
// which run on their own (`npm run test:faults`): every other connection to that cluster breaks.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Cluster {
  version: string;
  name: string;
  port: number;
  dataDir: string;
}

export function clusterOf(databaseUrl: string): Cluster {
  const port = Number(new URL(databaseUrl).port || 5432);
  const lines = execFileSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' }).trim().split('\n');
  for (const line of lines) {
    const [version, name, p, , , dataDir] = line.trim().split(/\s+/);
    if (Number(p) === port) return { version, name, port, dataDir };
  }
  throw new Error(`no local PostgreSQL cluster listens on port ${port} (pg_lsclusters):\n${lines.join('\n')}`);
}

const ctl = (c: Cluster, action: 'stop' | 'start' | 'restart') =>
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', c.version, c.name, action, ...(action === 'start' ? [] : ['-m', 'fast'])], { stdio: 'pipe' });

export function ready(c: Cluster): boolean {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', String(c.port), '-q']);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function stopCluster(c: Cluster): Promise<void> {
  ctl(c, 'stop');
  await until(() => !ready(c), 'PostgreSQL is down');
}

export async function startCluster(c: Cluster): Promise<void> {
  if (!ready(c)) ctl(c, 'start');
  await until(() => ready(c), 'PostgreSQL is up');
}

/** `restart -m fast`, as an operator runs it: every connection is cut, the server is back in a second or two. */
export async function restartCluster(c: Cluster): Promise<void> {
  ctl(c, 'restart');
  await until(() => ready(c), 'PostgreSQL is up again');
}

/** The server's processes: the postmaster (first line of postmaster.pid) and its children. */
function serverPids(c: Cluster): number[] {
  const postmaster = Number(readFileSync(`${c.dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(postmaster)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
  return [postmaster, ...children];
}

/** Freezes the server (SIGSTOP to each of its processes): connections stay open, nothing answers. */
export function freezeCluster(c: Cluster): number[] {
  const pids = serverPids(c);
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  return pids;
}

/** Lets it go on (SIGCONT), whatever it was doing. */
export function thawCluster(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      /* gone meanwhile */
    }
  }
}
