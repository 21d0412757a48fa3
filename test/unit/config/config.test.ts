import { describe, expect, test } from '@jest/globals';
import { ConfigError, DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS, LEASE_MARGIN_MS, loadConfig } from '../../../src/core/config.js';

describe('configuration', () => {
  test('defaults follow the contract', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './data', FORJINN_DELIVERY_TIMEOUT_MS: 10_000, LOG_LEVEL: 'info', production: false, allowPrivate: true });
    expect(c.FORJINN_RETRY_DELAYS).toEqual([60_000, 120_000, 240_000, 480_000, 900_000]);
    expect(Object.isFrozen(c)).toBe(true);
  });

  test('retry delays in milliseconds, seconds and hours', () => {
    expect(loadConfig({ FORJINN_RETRY_DELAYS: '100ms,200ms, 1s,2h' }).FORJINN_RETRY_DELAYS).toEqual([100, 200, 1000, 7_200_000]);
  });

  test.each([
    ['PORT', 'abc', /PORT="abc": expected a whole number/],
    ['PORT', '70000', /PORT/],
    ['FORJINN_RETRY_DELAYS', '1m,soon', /FORJINN_RETRY_DELAYS=.*"soon" is not a duration/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL=.*postgres:\/\//],
    ['FORJINN_ALLOW_PRIVATE', 'maybe', /FORJINN_ALLOW_PRIVATE=.*true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL/],
    ['FORJINN_MASTER_KEY', 'short', /FORJINN_MASTER_KEY=.*32 bytes/],
  ])('%s=%s stops the start naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  test('production: private targets refused by default; a master key required with DATABASE_URL', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).allowPrivate).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' })).toThrow(/FORJINN_MASTER_KEY: required in production/);
    expect(loadConfig({ NODE_ENV: 'production', FORJINN_ALLOW_PRIVATE: 'true' }).allowPrivate).toBe(true);
  });

  test('a lease shorter than the delivery timeout plus the margin stops the start, saying why and how to fix it', () => {
    // The report: a 5 s lease under the 10 s default timeout sent the same delivery twice at once.
    const short = () => loadConfig({ FORJINN_LEASE_MS: '5000' });
    expect(short).toThrow(ConfigError);
    expect(short).toThrow(/FORJINN_LEASE_MS=5000: shorter than FORJINN_DELIVERY_TIMEOUT_MS \(10000\) plus 1000 ms/);
    expect(short).toThrow(/send it a second time at once/);
    expect(short).toThrow(/Set FORJINN_LEASE_MS to at least 11000, or lower FORJINN_DELIVERY_TIMEOUT_MS/);
    // Equal to the timeout is still too short: the margin is what stores the result.
    expect(() => loadConfig({ FORJINN_LEASE_MS: '10000' })).toThrow(/FORJINN_LEASE_MS=10000/);
    expect(loadConfig({ FORJINN_LEASE_MS: String(10_000 + LEASE_MARGIN_MS) }).FORJINN_LEASE_MS).toBe(11_000);
    // Either side can be moved.
    expect(loadConfig({ FORJINN_LEASE_MS: '5000', FORJINN_DELIVERY_TIMEOUT_MS: '4000' }).FORJINN_LEASE_MS).toBe(5000);
    expect(() => loadConfig({ FORJINN_DELIVERY_TIMEOUT_MS: '120000' })).toThrow(/FORJINN_LEASE_MS=120000: shorter than FORJINN_DELIVERY_TIMEOUT_MS \(120000\)/);
  });

  test('database timeouts: 5 s statements and 3 s connections by default; 0 turns the statement limit off', () => {
    expect(loadConfig({})).toMatchObject({ FORJINN_DB_STATEMENT_TIMEOUT_MS: DB_STATEMENT_TIMEOUT_MS, FORJINN_DB_CONNECT_TIMEOUT_MS: DB_CONNECT_TIMEOUT_MS });
    expect([DB_STATEMENT_TIMEOUT_MS, DB_CONNECT_TIMEOUT_MS]).toEqual([5_000, 3_000]);
    expect(loadConfig({ FORJINN_DB_STATEMENT_TIMEOUT_MS: '0' }).FORJINN_DB_STATEMENT_TIMEOUT_MS).toBe(0);
    expect(() => loadConfig({ FORJINN_DB_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/FORJINN_DB_STATEMENT_TIMEOUT_MS="-1"/);
    expect(() => loadConfig({ FORJINN_DB_CONNECT_TIMEOUT_MS: '10' })).toThrow(/FORJINN_DB_CONNECT_TIMEOUT_MS="10"/);
  });

  test('an empty variable counts as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });
});
