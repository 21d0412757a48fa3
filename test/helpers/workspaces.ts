// A service (api only, no worker) with some named workspaces, and their ids by name.
import { startService, type TestService } from './service.js';

export async function startWithWorkspaces(names: string[]): Promise<{ svc: TestService; ws: Record<string, string> }> {
  const svc = await startService({}, { api: true, worker: false });
  for (const n of names) await svc.newWorkspaceKey(n);
  const { rows } = await svc.rt.ctx.db.pool.query<{ id: string; name: string }>(`select id, name from workspaces`);
  return { svc, ws: Object.fromEntries(rows.map((r) => [r.name, r.id])) };
}
