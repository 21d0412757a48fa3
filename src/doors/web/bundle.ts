// The page's script and styles: src/doors/web/client/ bundled by esbuild into app.js and app.css.
// A compiled build carries them ready-made: `npm run build` bundles them into
// dist/doors/web/assets/, beside the compiled copy of this file, and the service reads them from
// there on the first request, with no esbuild at run time. Run from the sources (tsx, the tests)
// there is no such folder beside this file, so the client code is bundled on the first request
// instead (esbuild is a development dependency): a change to the page shows without a build.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export type Assets = Map<string, Asset>;

/** Where a compiled build keeps the bundled files (never present beside the sources). */
const BUILT = fileURLToPath(new URL('./assets/', import.meta.url));
/** The client code's entry, beside this file when it runs from the sources. */
const ENTRY = fileURLToPath(new URL('./client/main.ts', import.meta.url));

// Mirrors the CSP: nothing but files, so a bug cannot slip an inline script in.
const ICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#1d4ed8"/>' +
    '<path d="M9 22l5-12 4 8 3-5 3 9" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
);

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** The client code at `entry` bundled for the browser: file name (app.js, app.css) → contents. */
export async function bundleClient(entry: string): Promise<Map<string, Buffer>> {
  const esbuild = await import('esbuild');
  const out = await esbuild.build({
    entryPoints: { app: entry },
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
  return new Map(out.outputFiles.map((f) => [f.path.slice(f.path.lastIndexOf('/') + 1), Buffer.from(f.contents)]));
}

function builtFiles(): Map<string, Buffer> {
  return new Map(readdirSync(BUILT).map((name) => [name, readFileSync(`${BUILT}${name}`)]));
}

async function load(): Promise<Assets> {
  const files = existsSync(BUILT) ? builtFiles() : await bundleClient(ENTRY);
  const assets: Assets = new Map([['icon.svg', asset(ICON, 'image/svg+xml')]]);
  for (const [name, body] of files) {
    const type = name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8';
    assets.set(name, asset(body, type));
  }
  return assets;
}

let pending: Promise<Assets> | undefined;

/** The page's assets, read (compiled build) or bundled (sources) on first use. A failure is retried on the next request. */
export function loadAssets(): Promise<Assets> {
  pending ??= load().catch((err: unknown) => {
    pending = undefined;
    throw err;
  });
  return pending;
}
