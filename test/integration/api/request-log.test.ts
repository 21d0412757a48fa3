// The request log's paging (GET /v1/webhooks/:id/deliveries?limit=&cursor=, docs/api.md): walking
// nextCursor from the first page to the last shows every delivery exactly once, newest first,
// also when a page ends inside a batch whose rows were created by one statement (one created_at).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startService, type TestService } from '../../helpers/service.js';

let svc: TestService;

// No worker: the rows stay as written while the test reads them.
beforeAll(async () => {
  svc = await startService({}, { api: true, worker: false });
});
afterAll(async () => {
  await svc?.close();
});

const flow = (id: string) => ({ event: 'flow_completed', id, chatflowId: 'cf-log' });

describe('request-log paging', () => {
  test('limit and nextCursor walk every delivery once, newest first, across pages and through batches', async () => {
    const hook = await svc.api('POST', '/v1/webhooks', { url: 'https://example.com/log', events: ['flow_completed'] });
    expect(hook.status).toBe(201);
    // Written in order: statement 0 (a batch of 7), statements 1–3 (one event each), statement 4 (a batch of 6).
    const statements: string[][] = [Array.from({ length: 7 }, (_, i) => `b0-${i}`), ['s1'], ['s2'], ['s3'], Array.from({ length: 6 }, (_, i) => `b4-${i}`)];
    for (const ids of statements) {
      if (ids.length === 1) expect((await svc.api('POST', '/v1/events', flow(ids[0]))).status).toBe(202);
      else expect((await svc.api('POST', '/v1/events/batch', { events: ids.map(flow) })).body.accepted).toBe(ids.length);
    }
    const statementOf = new Map(statements.flatMap((ids, n) => ids.map((id) => [id, n] as const)));
    const total = statementOf.size;

    const LIMIT = 3;
    const seen: Array<{ id: string; eventId: string; createdAt: string }> = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages <= total; pages++) {
      const page: { status: number; body: any } = await svc.api('GET', `/v1/webhooks/${hook.body.id}/deliveries?limit=${LIMIT}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      sizes.push(page.body.data.length);
      seen.push(...page.body.data);
      cursor = page.body.nextCursor;
      if (cursor === null) break;
    }
    // Full pages, then the rest, and the last page says there is no next one.
    expect(sizes).toEqual([3, 3, 3, 3, 3, 1]);
    expect(cursor).toBeNull();
    // Each delivery exactly once: one per event, none twice, none missing.
    expect(seen.map((d) => d.eventId).sort()).toEqual([...statementOf.keys()].sort());
    expect(new Set(seen.map((d) => d.id)).size).toBe(total);
    // Newest first: the later statement's rows before the earlier one's, times never rising.
    const order = seen.map((d) => statementOf.get(d.eventId)!);
    expect(order).toEqual([...order].sort((a, b) => b - a));
    for (let i = 1; i < seen.length; i++) expect(Date.parse(seen[i].createdAt)).toBeLessThanOrEqual(Date.parse(seen[i - 1].createdAt));
    // The batches' rows do share a time, and pages end inside them (after rows 3, 12 and 15 of the walk).
    expect(new Set(seen.filter((d) => d.eventId.startsWith('b4-')).map((d) => d.createdAt)).size).toBe(1);
    expect(new Set(seen.filter((d) => d.eventId.startsWith('b0-')).map((d) => d.createdAt)).size).toBe(1);
  });
});
