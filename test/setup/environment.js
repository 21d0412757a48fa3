// The suite's jest environment: Node's, plus one flag. When a test or a hook of the file fails,
// `globalThis.__fjwTestFailed` is set in the file's global, so test/helpers/service.ts keeps that
// service's database (the data directory, or the PostgreSQL schema) and prints where it is,
// instead of dropping what would show why (as pg-boss keeps a failed test's schema).
import { TestEnvironment } from 'jest-environment-node';

export default class FjwEnvironment extends TestEnvironment {
  async handleTestEvent(event) {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.global.__fjwTestFailed = true;
  }
}
