// The page's script and styles: src/doors/web/client/ bundled by esbuild (a dependency of its own)
// once, on the first request, and kept in memory. No build step before `npm start`, and a
// process that never serves the page never loads esbuild.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export type Assets = Map<string, Asset>;

const ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

// Mirrors the CSP: nothing but files, so a bug cannot slip an inline script in.
const ICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d4ed8"/>' +
    '<path d="M9 22l5-12 4 8 3-5 3 9" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
);

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

async function build(): Promise<Assets> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: { app: ENTRY },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome110', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'none',
    write: false,
    outdir: '/assets',
    logLevel: 'silent',
  });
  const assets: Assets = new Map([['icon.svg', asset(ICON, 'image/svg+xml')]]);
  for (const f of out.outputFiles) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    assets.set(name, asset(Buffer.from(f.contents), type));
  }
  return assets;
}

let pending: Promise<Assets> | undefined;

/** The bundled assets; built on first use. A failed build is retried on the next request. */
export function loadAssets(): Promise<Assets> {
  pending ??= build().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
