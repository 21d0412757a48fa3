// The embedded database: PGlite persisted in DATA_DIR, served to the ordinary `pg` pool over a
// Unix socket inside DATA_DIR (not a TCP port: a loopback port would let any local user in).
// A second process (the CLI while `serve` runs) finds the socket and connects through it
// instead of opening the files a second time, which PGlite does not allow.
import { mkdirSync, existsSync, unlinkSync, chmodSync, writeFileSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export const SOCKET_PORT = 5432;

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
  const db = await PGlite.create({ dataDir: join(dir, 'pgdata') });
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
