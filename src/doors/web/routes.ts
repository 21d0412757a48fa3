// The settings page (Settings → API/Webhooks) at `/`, served by the service itself: one HTML
// shell and its bundled script and styles. The page signs in with an API key kept in
// sessionStorage and sent as a Bearer header; no cookies, so there is nothing to forge a
// cross-site request with. Everything it shows comes from the public /v1 API.
import type { Express, NextFunction, Request, Response } from 'express';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';
import { loadAssets } from './bundle.js';

// Strict: scripts, styles and images only from this origin, no inline code of any kind, no
// framing, no plugins; the script builds the DOM without HTML strings (Trusted Types enforced).
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Settings · API/Webhooks · Forjinn</title>
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="topbar" id="topbar"></header>
<main id="main" tabindex="-1"><noscript>The settings page needs JavaScript. The same settings are on the REST API: see /openapi.json.</noscript></main>
<footer class="footer" id="footer"></footer>
<div class="toast-region" id="toasts" role="status" aria-live="polite"></div>
</body>
</html>
`;

function secure(_req: Request, res: Response, next: NextFunction) {
  res.set(SECURITY_HEADERS);
  next();
}

export function mountWebPage(app: Express, ctx: AppContext) {
  app.get('/', secure, (_req, res) => {
    // Small and changes with each release: always fetched fresh.
    res.set('Cache-Control', 'no-store').type('html').send(HTML);
  });

  app.get('/assets/:file', secure, async (req, res, next) => {
    let assets;
    try {
      assets = await loadAssets();
    } catch (err) {
      ctx.log.error({ err }, 'could not build the settings page');
      return next(new ApiError('internal_error', 'the settings page could not be built'));
    }
    const a = assets.get(req.params.file as string);
    if (!a) return next(new ApiError('not_found', `no asset ${req.params.file}`));
    // Revalidated on every load (cheap, by ETag), so a restarted service never serves stale code.
    res.set({ 'Cache-Control': 'no-cache', ETag: a.etag });
    if (req.get('if-none-match') === a.etag) return res.status(304).end();
    res.type(a.type).send(a.body);
  });
}
