// SSRF guard. Webhook URLs are typed in by users, so the delivery client must not become a way
// into the network it runs in. The check runs where the socket is opened, after DNS: the one
// lookup of a connection is checked (every address it answers) and its answer is the address
// the socket dials, so a name cannot pass a check and then rebind to 127.0.0.1 for the request.
// Literal IPs never reach a lookup (net.connect dials them directly), so the connector checks
// them itself. Outside production private targets are allowed by default (FORJINN_ALLOW_PRIVATE);
// FORJINN_ALLOWED_CIDRS opens chosen ranges when they are refused.
import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { buildConnector } from 'undici';
import type { Config } from '../../core/config.js';
import type { Cidr } from '../../core/net-ranges.js';

/** The error code src/delivery/http.ts turns into the attempt reason `blocked_address` (refused, not retried). */
export const BLOCKED_CODE = 'FORJINN_BLOCKED_ADDRESS';


export interface AddressPolicy {
  allowPrivate: boolean;
  allowed: readonly Cidr[];
}

export interface ResolvedAddress {
  address: string;
  family: number;
}
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });
let resolver: Resolver = systemResolver;

/**
 * Replaces name resolution for the connect guard and the save-time check alike. Tests answer
 * names themselves, so no DNS query leaves the machine; undefined restores the system resolver.
 */
export function setResolver(r?: Resolver): void {
  resolver = r ?? systemResolver;
}

export function resolveHost(hostname: string): Promise<ResolvedAddress[]> {
  return resolver(hostname);
}

export function addressPolicy(config: Pick<Config, 'allowPrivate' | 'allowedRanges'>): AddressPolicy {
  return { allowPrivate: config.allowPrivate, allowed: config.allowedRanges };
}

// ipaddr.js names the special ranges; anything but plain unicast is refused. Readable names
// for the messages a user or an operator sees.
const RANGE_NAMES: Record<string, string> = {
  unspecified: 'unspecified (0.0.0.0/8, ::)',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local (cloud metadata lives here)',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private',
  reserved: 'reserved (documentation, benchmarking or future use)',
  uniqueLocal: 'IPv6 unique-local (fc00::/7)',
  ipv4Mapped: 'IPv4-mapped IPv6',
  rfc6145: 'IPv4-translated IPv6',
  rfc6052: 'NAT64 (64:ff9b::/96)',
  '6to4': '6to4 (2002::/16)',
  teredo: 'Teredo (2001::/32)',
  benchmarking: 'benchmarking',
  deprecatedSiteLocal: 'IPv6 site-local (fec0::/10)',
};

// Global unicast IPv6 is 2000::/3; everything outside it (IPv4-compatible ::a.b.c.d, ::/8, ...)
// is not an internet address, whatever ipaddr.js calls it.
const GLOBAL_UNICAST_V6: Cidr = [ipaddr.parse('2000::'), 3];

/** Why an address may not be dialled (a range name), or undefined when it may. */
export function blockedReason(address: string, policy: AddressPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  // ::ffff:127.0.0.1 is 127.0.0.1 on the wire: judged (and matched against the allow list) as IPv4.
  const ip = ipaddr.process(address);
  if (policy.allowPrivate) return undefined;
  if (policy.allowed.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits))) return undefined;
  const range = ip.range();
  if (range !== 'unicast') return RANGE_NAMES[range] ?? range;
  if (ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST_V6)) return 'not a global IPv6 address';
  return undefined;
}

export function blockedError(host: string, address: string, reason: string): Error {
  const shown = host === address ? address : `${host} (${address})`;
  return Object.assign(
    new Error(`${shown} is a ${reason} address; private targets are refused (FORJINN_ALLOW_PRIVATE=false; FORJINN_ALLOWED_CIDRS opens a range)`),
    { code: BLOCKED_CODE },
  );
}

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** A net.connect `lookup`: resolves once, refuses if any answer is blocked, hands the checked answer to the socket. */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: { family?: number | string; all?: boolean }, callback: LookupCallback): void => {
    resolver(hostname).then(
      (answers) => {
        if (answers.length === 0) throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' });
        // Every answer, not just the first: with several, the socket may try any of them.
        for (const a of answers) {
          const why = blockedReason(a.address, policy);
          if (why) throw blockedError(hostname, a.address, why);
        }
        const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : Number(options.family ?? 0);
        const usable = family ? answers.filter((a) => a.family === family) : answers;
        if (usable.length === 0) throw Object.assign(new Error(`${hostname} has no IPv${family} address`), { code: 'ENOTFOUND' });
        if (options.all) callback(null, usable.map((a) => ({ address: a.address, family: a.family })));
        else callback(null, usable[0].address, usable[0].family);
      },
    ).catch((err: Error) => callback(err, ''));
  };
}

/** The undici connector of the delivery client: literal addresses checked here, names by the lookup. */
export function connectGuard(config: Pick<Config, 'allowPrivate' | 'allowedRanges' | 'FORJINN_CONNECT_TIMEOUT_MS'>): buildConnector.connector {
  const policy = addressPolicy(config);
  const connect = buildConnector({ timeout: config.FORJINN_CONNECT_TIMEOUT_MS, lookup: guardedLookup(policy) });
  return (options, callback) => {
    if (isIP(options.hostname)) {
      const why = blockedReason(options.hostname, policy);
      if (why) {
        callback(blockedError(options.hostname, options.hostname, why), null);
        return;
      }
    }
    connect(options, callback);
  };
}
