// Every [method, OpenAPI path] the express app has mounted, read from its router.
import type { Runtime } from '../../src/main/service.js';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export function mountedRoutes(rt: Runtime): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const m of Object.keys(layer.route.methods)) {
          if (m !== '_all') out.push([m, layer.route.path.replace(/:(\w+)/g, '{$1}')]);
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((rt.app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}
