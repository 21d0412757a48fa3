// Jest globalSetup: the embedded database made and migrated once per run (a "template"), so a
// test file's service copies a ready data directory instead of running initdb and every
// migration again (about 3 s on a quiet machine, several times that on a busy one). PostgreSQL's
// own suite and graphile-worker do the same with CREATE DATABASE … TEMPLATE. On PostgreSQL a
// test's schema migrates in about 0.1 s, so that pass needs no template.
//
// The template is made by the compiled build (`pretest` has just built it) with plain node, as
// `forjinn-webhooks migrate`, so it is exactly what a first start makes. Its path reaches the test
// workers through FORJINN_TEST_TEMPLATE_DIR (globalSetup runs before they start); test/helpers/
// service.ts copies its pgdata into a new DATA_DIR (startService does, unless the test names its
// own DATA_DIR or a retention); tests of a first start (initdb, migrations from nothing) never
// see it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'forjinn-webhooks.js');

/**
 * The history partitions that `migrate` made ahead for the default retention are dropped: a test
 * service's own start makes those of its FORJINN_RETENTION (their width follows it), which it
 * could not beside partitions of another width. The DEFAULT partitions stay, as migrate made them.
 */
async function dropRangePartitions(pgdata) {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create({ dataDir: pgdata });
  try {
    const { rows } = await db.query(
      `select format('%I.%I', n.nspname, c.relname) as name
       from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_namespace n on n.oid = c.relnamespace
       where pg_get_expr(c.relpartbound, c.oid) like 'FOR VALUES FROM%'`,
    );
    for (const { name } of rows) await db.exec(`drop table ${name}`);
  } finally {
    await db.close();
  }
}

/**
 * The run's temporary files go to memory (/dev/shm, a tmpfs on Linux) unless TMPDIR says where:
 * every test's DATA_DIR (a 40 MB copy of the template, 1,100 files), the template itself, packed
 * tarballs, browser profiles. Copying the template into a data directory on the disk took 1.1 s
 * (77 copies in a PGlite pass: 89 s of the two workers' time); on tmpfs it takes 0.12 s, and
 * PGlite's own writes get cheaper too. Set here, before jest starts its workers, so their
 * os.tmpdir() and that of every process they spawn with this environment is the same.
 */
function tmpfsForTheRun() {
  if (process.env.TMPDIR) return;
  try {
    if (!statSync('/dev/shm').isDirectory()) return;
    accessSync('/dev/shm', constants.W_OK);
    process.env.TMPDIR = '/dev/shm';
  } catch {
    /* no /dev/shm here (not Linux): the default temporary directory */
  }
}

export default async function makeTemplate() {
  tmpfsForTheRun();
  // Tests spawn the compiled build (test/helpers/bin.ts): rebuilt here when the sources changed,
  // as `npm test`'s pretest does, so `npx jest <file>` never runs an older build either.
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.js'), '--if-changed'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (process.env.DATABASE_URL || process.env.FORJINN_FAULTS) return;
  const dir = mkdtempSync(join(tmpdir(), 'fjw-template-'));
  const started = Date.now();
  try {
    execFileSync(process.execPath, [BIN, 'migrate'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATA_DIR: dir,
        // Given, so no master.key is written: each test's service brings its own key.
        FORJINN_MASTER_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`making the template database failed: ${err.stderr ?? err}`);
  }
  await dropRangePartitions(join(dir, 'pgdata'));
  process.env.FORJINN_TEST_TEMPLATE_DIR = join(dir, 'pgdata');
  process.stderr.write(`\ntemplate database migrated once in ${Date.now() - started} ms: ${dir}\n`);
  // Removed by the teardown below; globalThis is shared between globalSetup and globalTeardown.
  globalThis.__fjwTemplateDir = dir;
}
