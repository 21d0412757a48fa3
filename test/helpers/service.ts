// A real service for a test file: its own database (a fresh PGlite in a temp DATA_DIR, or a
// fresh schema on the PostgreSQL of DATABASE_URL), a real HTTP server on 127.0.0.1:0, and
// every log line captured so tests can check what was logged.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { loadConfig } from '../../src/core/config.js';
import { startRuntime, type Roles, type Runtime } from '../../src/main/service.js';
import { createLogger } from '../../src/core/log.js';
import { createApiKey } from '../../src/services/auth/api-keys.js';

export const onPostgres = Boolean(process.env.DATABASE_URL);

export interface TestService {
  rt: Runtime;
  url: string;
  key: string;
  dataDir: string;
  env: Record<string, string>;
  logs: string[];
  api(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: any; headers: Headers }>;
  newWorkspaceKey(name: string): Promise<string>;
  close(opts?: { keepData?: boolean }): Promise<void>;
}

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {
    DATA_DIR: mkdtempSync(join(tmpdir(), 'fjw-')),
    PORT: '0',
    FORJINN_METRICS_PORT: '0',
    LOG_LEVEL: 'debug',
    FORJINN_RETRY_DELAYS: '50ms,100ms,200ms,400ms,800ms',
    // A new delivery wakes the worker at once; the poll only finds retries coming due. Every
    // 50 ms it cost an idle test service a fifth of a core on the embedded database (200 ms of
    // CPU a second, against 19 at the default 1 s): two files at a time on two cores.
    FORJINN_POLL_INTERVAL_MS: '250',
    FORJINN_MASTER_KEY: randomBytes(32).toString('base64'),
    // The suite shares two cores with the embedded database running in the test's own process:
    // a statement that waits 5 s for the CPU there is load, not a stalled server, and closing the
    // gate on it turns a later request of the same file into a 503. Tests of the timeout itself
    // (storage/stall, faults/pg-freeze) set it low on purpose.
    FORJINN_DB_STATEMENT_TIMEOUT_MS: '30000',
  };
  if (process.env.DATABASE_URL) {
    env.DATABASE_URL = process.env.DATABASE_URL;
    env.DATABASE_SCHEMA = `t_${randomBytes(6).toString('hex')}`;
  }
  return { ...env, ...extra };
}

/**
 * Puts the run's migrated template database (test/setup/template-db.js) into env.DATA_DIR, so
 * the service opens a ready database instead of running initdb and every migration (its start
 * makes the history partitions of its own FORJINN_RETENTION). Only for a new, empty DATA_DIR on
 * the embedded database; anything else starts as before. Answers whether it did.
 */
export function fromTemplate(env: Record<string, string>): boolean {
  const template = process.env.FORJINN_TEST_TEMPLATE_DIR;
  if (!template || env.DATABASE_URL) return false;
  const pgdata = join(env.DATA_DIR, 'pgdata');
  if (existsSync(pgdata)) return false;
  cpSync(template, pgdata, { recursive: true });
  return true;
}

/** testEnv whose DATA_DIR already holds the migrated database (fromTemplate), for a spawned service. */
export function templateEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = testEnv(extra);
  fromTemplate(env);
  return env;
}

/**
 * A service in this process. Its database is a copy of the run's migrated template unless
 * `extra` names a DATA_DIR (an existing database, or a test of a first start).
 */
export async function startService(extra: Record<string, string> = {}, roles: Roles = { api: true, worker: true }): Promise<TestService> {
  const env = testEnv(extra);
  if (extra.DATA_DIR === undefined) fromTemplate(env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig(env);
  const rt = await startRuntime(config, roles, { log: createLogger(config.LOG_LEVEL, sink) });
  const url = rt.url ?? '';
  const key = rt.bootstrapKey ?? (await createApiKey(rt.ctx.db.pool, 'default')).key;
  const api: TestService['api'] = async (method, path, body, k = key) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${k}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
  return {
    rt,
    url,
    key,
    dataDir: env.DATA_DIR,
    env,
    logs,
    api,
    newWorkspaceKey: async (name) => (await createApiKey(rt.ctx.db.pool, name)).key,
    async close(opts = {}) {
      await rt.close();
      // Errors the service logged are shown with the test output, so a failure says why.
      const errors = logs.filter((l) => /"level":(50|60)/.test(l));
      if (errors.length) process.stderr.write(`service errors:\n${errors.slice(0, 20).join('')}`);
      if (!opts.keepData) await dropTestData(env);
    },
  };
}

/**
 * A test or hook of this file failed (test/setup/environment.js): the service's database stays,
 * and where it is goes to stderr with the failure, to be opened with `DATA_DIR=… forjinn-webhooks`
 * or psql. Answers whether it kept it.
 */
export function keptAfterFailure(env: Record<string, string>): boolean {
  if (!(globalThis as { __fjwTestFailed?: boolean }).__fjwTestFailed) return false;
  const where = env.DATABASE_URL ? `schema ${env.DATABASE_SCHEMA} of ${env.DATABASE_URL}` : `DATA_DIR=${env.DATA_DIR}`;
  process.stderr.write(`a test failed: its service's database is kept for a look: ${where}\n`);
  return true;
}

export async function dropTestData(env: Record<string, string>) {
  if (keptAfterFailure(env)) return;
  rmSync(env.DATA_DIR, { recursive: true, force: true });
  if (env.DATABASE_URL && env.DATABASE_SCHEMA) {
    const c = new pg.Client({ connectionString: env.DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists ${env.DATABASE_SCHEMA} cascade`);
    await c.end();
  }
}
