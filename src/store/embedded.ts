// The embedded database: PGlite persisted in DATA_DIR, served to the ordinary `pg` pool over a
// Unix socket inside DATA_DIR (not a TCP port: a loopback port would let any local user in).
// A second process (the CLI while `serve` runs) finds the socket and connects through it
// instead of opening the files a second time, which PGlite does not allow.
import { spawn } from 'node:child_process';
import { mkdirSync, existsSync, unlinkSync, chmodSync, writeFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
// Types only: PGlite is loaded when an embedded database is opened, so a process on PostgreSQL
// (or an admin command attached to a socket) never loads it.
import type { PGlite } from '@electric-sql/pglite';

export const SOCKET_PORT = 5432;

/**
 * PostgreSQL's memory settings inside PGlite's WebAssembly heap, sized for one service process
 * instead of PGlite's defaults (shared_buffers 128 MB, all of it touched at start): the database
 * files stay in the OS page cache either way, so a small buffer pool costs a copy, not a disk
 * read. With these, `serve` on the embedded database rests at about a quarter of a gigabyte
 * (docs/performance.md, memory). maintenance_work_mem bounds what a VACUUM or CREATE INDEX takes.
 */
export const EMBEDDED_SETTINGS: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  wal_buffers: '1MB',
  temp_buffers: '1MB',
  work_mem: '4MB',
  maintenance_work_mem: '16MB',
};

const startParams = (defaults: readonly string[]): string[] => [
  ...defaults,
  ...Object.entries(EMBEDDED_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
];

/**
 * A new database is made (initdb) in a short-lived child process. PGlite runs initdb in a second
 * PGlite instance of its own, about half a gigabyte of WebAssembly memory that stays in the
 * process until a full garbage collection, which a service at rest never runs: made here, a first
 * start rested at 830 MB against 350 MB for a restart. The child's memory goes back when it exits.
 */
function initInChild(pgdata: string, params: string[]): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const code = `const { PGlite } = require(process.argv[1]);
PGlite.create({ dataDir: process.argv[2], startParams: JSON.parse(process.argv[3]) })
  .then((db) => db.close())
  .catch((err) => { process.stderr.write(String(err && err.stack || err)); process.exitCode = 1; });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code, entry, pgdata, JSON.stringify(params)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`creating the embedded database in ${pgdata} failed (${signal ?? `exit ${code}`}): ${err.trim()}`)),
    );
  });
}

export interface Embedded {
  /** Directory holding the socket (the `pg` pool's `host`). */
  socketDir: string;
  /** True when this process opened PGlite; false when it attached to another's socket. */
  owner: boolean;
  close(): Promise<void>;
}

function socketAlive(path: string): Promise<boolean> {
  return new Promise((done) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      done(true);
    });
    s.once('error', () => done(false));
  });
}

/** Creates owner.pid, or takes it over from a process that no longer exists. */
function takeLock(path: string): boolean {
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 });
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const pid = Number(readFileSync(path, 'utf8'));
  if (pid && alive(pid)) return false;
  unlinkSync(path);
  return takeLock(path);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Refuses a DATA_DIR that holds no database, before anything is created in it: the admin
 * commands use this so that a mistyped DATA_DIR is an error, not a new empty database (and a new
 * master key). `serve` and `migrate` create the database instead.
 */
export function assertEmbeddedExists(dataDir: string): void {
  const dir = resolve(dataDir);
  if (existsSync(join(dir, 'pgdata', 'PG_VERSION'))) return;
  throw new Error(
    `no database in ${dir} (DATA_DIR); create one with \`forjinn-webhooks migrate\` (or \`forjinn-webhooks serve\`), ` +
      'or set DATA_DIR to the directory that holds it (DATABASE_URL for PostgreSQL)',
  );
}

export async function startEmbedded(dataDir: string, opts: { attach?: boolean } = {}): Promise<Embedded> {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const socketPath = join(dir, `.s.PGSQL.${SOCKET_PORT}`);
  // Unix socket paths are limited to 107 bytes by the kernel.
  if (Buffer.byteLength(socketPath) > 107) {
    throw new Error(`DATA_DIR path is too long for a Unix socket (${socketPath}); use a shorter DATA_DIR`);
  }
  const lockPath = join(dir, 'owner.pid');
  // Exactly one process opens the files: it holds owner.pid; others attach through its socket.
  // Generous: a first start (initdb in WebAssembly) takes seconds, many more on a busy machine.
  for (const deadline = Date.now() + 180_000; ; ) {
    if (existsSync(socketPath) && (await socketAlive(socketPath))) {
      if (opts.attach === false) {
        throw new Error(`another forjinn-webhooks process is serving ${dir}; stop it first or use DATABASE_URL`);
      }
      return { socketDir: dir, owner: false, close: async () => {} };
    }
    if (takeLock(lockPath)) break;
    if (Date.now() > deadline) throw new Error(`${lockPath} is held by a process that does not answer on its socket`);
    await new Promise((r) => setTimeout(r, 100)); // the owner is still starting, or just stopping
  }
  if (existsSync(socketPath)) unlinkSync(socketPath); // left by a process that died
  const pgdata = join(dir, 'pgdata');
  let db: PGlite;
  let PGLiteSocketServer: typeof import('@electric-sql/pglite-socket').PGLiteSocketServer;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    ({ PGLiteSocketServer } = await import('@electric-sql/pglite-socket'));
    const params = startParams(PGlite.defaultStartParams);
    if (!existsSync(join(pgdata, 'PG_VERSION'))) await initInChild(pgdata, params);
    db = await PGlite.create({ dataDir: pgdata, startParams: params });
  } catch (err) {
    unlinkSync(lockPath);
    throw err;
  }
  // Several pool connections share the one PGlite session; the server keeps a transaction's
  // statements together, so transactions from different connections never interleave.
  const server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 64 });
  try {
    await server.start();
  } catch (err) {
    await db.close();
    unlinkSync(lockPath);
    throw err;
  }
  chmodSync(socketPath, 0o600);
  return {
    socketDir: dir,
    owner: true,
    async close() {
      await server.stop();
      await db.close();
      if (existsSync(socketPath)) unlinkSync(socketPath);
      if (existsSync(lockPath)) unlinkSync(lockPath);
    },
  };
}
