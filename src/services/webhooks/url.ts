// Webhook URLs: checked when saved (shown-url.ts decides where one is shown hinted: chat
// targets' URLs carry their credentials in the path or query). The save-time address check uses the delivery
// guard's rules so users learn at once; the guard at connect time still decides every request
// (a name may resolve differently later).
import { isIP } from 'node:net';
import type { Config } from '../../core/config.js';
import { addressPolicy, blockedReason, resolveHost } from '../delivery/ssrf.js';
import { invalid } from '../../core/errors.js';

export type UrlRules = Pick<Config, 'production' | 'allowPrivate' | 'allowedRanges'>;

/** A name that does not answer within this long is let through: the connect-time guard still checks it. */
const SAVE_LOOKUP_TIMEOUT_MS = 3_000;

const REFUSED_HINT = 'private, loopback and link-local targets are refused here (FORJINN_ALLOW_PRIVATE=false)';

/** The host as an address when it is one: the WHATWG parser already turned 2130706433, 0x7f.1 and [::ffff:7f00:1] into plain forms. */
function literalAddress(url: URL): string | undefined {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return isIP(host) ? host : undefined;
}

export function checkWebhookUrl(raw: string, rules: UrlRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('url', 'is not a valid URL (expected https://host/path)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('url', 'must be an http or https URL');
  if (rules.production && url.protocol !== 'https:') throw invalid('url', 'must use https in production');
  if (!url.hostname) throw invalid('url', 'must have a host');
  if (url.hash) throw invalid('url', 'must not contain a #fragment');
  const literal = literalAddress(url);
  if (literal) {
    const why = blockedReason(literal, addressPolicy(rules));
    if (why) throw invalid('url', `${literal} is a ${why} address; ${REFUSED_HINT}`);
  }
  return url;
}

/**
 * Resolves the URL's host name and refuses it when any address it answers is blocked. Answers
 * nothing for URLs checkWebhookUrl refuses (it reports those) and for names that do not resolve
 * now (a typo shows in the delivery log; the endpoint may simply not exist yet).
 */
export async function checkWebhookHost(raw: string, rules: UrlRules): Promise<void> {
  if (rules.allowPrivate) return;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return;
  }
  if (literalAddress(url) || !url.hostname) return;
  const host = url.hostname;
  let timer: NodeJS.Timeout | undefined;
  const answers = await Promise.race([
    resolveHost(host).catch(() => []),
    new Promise<[]>((resolve) => (timer = setTimeout(() => resolve([]), SAVE_LOOKUP_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
  const policy = addressPolicy(rules);
  for (const a of answers) {
    const why = blockedReason(a.address, policy);
    // The address itself is not echoed: it would tell a user how internal names resolve.
    if (why) throw invalid('url', `${host} resolves to a ${why} address; ${REFUSED_HINT}`);
  }
}
