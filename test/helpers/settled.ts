// Waits for an event's deliveries to be stored: a delivery's outcome is written after its
// receiver has answered, so the request arriving does not prove the row says so.
import type { TestService } from './service.js';
import { eventually } from './eventually.js';

/** GET /v1/events/{id} once it has deliveries and none of them is pending; answers the response. */
export function settledEvent(svc: Pick<TestService, 'api'>, id: string, key?: string) {
  return eventually(
    async () => {
      const ev = await svc.api('GET', `/v1/events/${encodeURIComponent(id)}`, undefined, key);
      return ev.body.deliveries.length > 0 && ev.body.deliveries.every((d: { status: string }) => d.status !== 'pending') && ev;
    },
    { what: `the deliveries of ${id} stored` },
  );
}
