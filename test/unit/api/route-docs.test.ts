import { describe, expect, test } from '@jest/globals';
import { ROUTES } from '../../../src/doors/api/route-docs.js';

describe('route docs', () => {
  // A route listed twice is one OpenAPI operation written twice: the copies drift apart, and
  // the document shows whichever came last.
  test('each route is listed once', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    expect(twice).toEqual([]);
  });
});
