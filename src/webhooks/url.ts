// Webhook URLs: checked when saved, masked wherever they are shown (chat targets' URLs carry
// their credentials in the path or query).
import { invalid } from '../errors.js';

export function checkWebhookUrl(raw: string, production: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url', 'is not a valid URL (expected https://host/path)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url', 'must be an http or https URL');
  if (production && url.protocol !== 'https:') throw invalid('url', 'must use https in production');
  if (!url.hostname) throw invalid('url', 'must have a host');
  if (url.hash) throw invalid('url', 'must not contain a #fragment');
  return url;
}

/** scheme://host/ and the first characters of the path, the rest hidden. */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const path = u.pathname + u.search;
    const shown = path.length > 8 ? `${path.slice(0, 8)}…` : path;
    return `${u.protocol}//${u.host}${shown}`;
  } catch {
    return '…';
  }
}
