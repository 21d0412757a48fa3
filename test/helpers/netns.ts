// Hosts on this machine for fault tests: each a network namespace joined to the root namespace by
// a veth pair (iproute2; needs root, as the tests and CI run). Host i's pair is 10.201.K.4i/30:
// the root side .4i+1, the host's side .4i+2, K picked per run. The first pair's root-side
// address is the hub: the one address of the root namespace the hosts reach (a /32 route each),
// where a test puts what they share (a receiver, a forwarder to the database on loopback).
// Nothing else is routed: a host reaches its hub and nothing beyond. `remove()` takes everything
// down again (safe to call twice, and after a failed `makeHosts`).
import { execFileSync } from 'node:child_process';
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';

export interface Host {
  name: string;
  ns: string;
  /** The veth end in the root namespace: `ip link set … down` on it cuts the host off. */
  rootIf: string;
  rootAddr: string;
  /** The host's own address, on its end of the pair. */
  addr: string;
}

export interface Hosts {
  hosts: Record<string, Host>;
  /** The root-side address every host reaches. */
  hub: string;
  /** How to run a command inside a host: prefix it with this. */
  exec(name: string): string[];
  cut(name: string): void;
  restore(name: string): void;
  remove(): void;
}

const PREFIX = 'fjwcut';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function quietly(...args: string[]): void {
  try {
    ip(...args);
  } catch {
    /* already gone */
  }
}

/** Whether this machine lets us make namespaces (root, iproute2, netns support), and if not why. */
export function netnsProblem(): string | undefined {
  const probe = `${PREFIX}-probe-${process.pid}`;
  try {
    ip('netns', 'add', probe);
    return undefined;
  } catch (e) {
    return (e as { stderr?: string }).stderr?.trim() || (e as Error).message;
  } finally {
    quietly('netns', 'del', probe);
  }
}

/** Namespaces and links a killed earlier run of these tests left (their names are ours alone). */
function removeLeftovers(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const ns = line.split(' ')[0];
    if (ns.startsWith(`${PREFIX}-`)) quietly('netns', 'del', ns);
  }
  for (const line of ip('-o', 'link', 'show').split('\n')) {
    const m = /^\d+: (fjwc[0-9a-f]{4}\d[rh])[@:]/.exec(line);
    if (m) quietly('link', 'del', m[1]);
  }
}

export function makeHosts(names: string[]): Hosts {
  removeLeftovers();
  const tag = (process.pid % 0x10000).toString(16).padStart(4, '0');
  const k = 20 + (process.pid % 200);
  const hosts: Record<string, Host> = {};
  const made: Host[] = [];
  const remove = () => {
    for (const h of made) {
      quietly('netns', 'del', h.ns);
      quietly('link', 'del', h.rootIf); // gone with its peer, but not always at once
    }
  };
  try {
    names.forEach((name, i) => {
      const h: Host = { name, ns: `${PREFIX}-${tag}-${name}`, rootIf: `fjwc${tag}${i}r`, rootAddr: `10.201.${k}.${4 * i + 1}`, addr: `10.201.${k}.${4 * i + 2}` };
      const inner = `fjwc${tag}${i}h`;
      made.push(h);
      ip('netns', 'add', h.ns);
      ip('-n', h.ns, 'link', 'set', 'lo', 'up');
      ip('link', 'add', h.rootIf, 'type', 'veth', 'peer', 'name', inner);
      ip('link', 'set', inner, 'netns', h.ns);
      ip('addr', 'add', `${h.rootAddr}/30`, 'dev', h.rootIf);
      ip('link', 'set', h.rootIf, 'up');
      ip('-n', h.ns, 'addr', 'add', `${h.addr}/30`, 'dev', inner);
      ip('-n', h.ns, 'link', 'set', inner, 'up');
      hosts[name] = h;
    });
    const hub = made[0].rootAddr;
    for (const h of made.slice(1)) ip('-n', h.ns, 'route', 'add', `${hub}/32`, 'via', h.rootAddr);
    return {
      hosts,
      hub,
      exec: (name) => ['ip', 'netns', 'exec', hosts[name].ns],
      cut: (name) => void ip('link', 'set', hosts[name].rootIf, 'down'),
      restore: (name) => void ip('link', 'set', hosts[name].rootIf, 'up'),
      remove,
    };
  } catch (e) {
    remove();
    throw e;
  }
}

/** Names of our namespaces and links still there (none after `remove()`, once the kernel is done). */
export function leftovers(): string[] {
  const ns = ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0])
    .filter((n) => n.startsWith(`${PREFIX}-`));
  const links = ip('-o', 'link', 'show')
    .split('\n')
    .map((l) => /^\d+: (fjwc[0-9a-f]{4}\d[rh])[@:]/.exec(l)?.[1])
    .filter((n): n is string => Boolean(n));
  return [...ns, ...links];
}

export interface Forwarder {
  port: number;
  close(): Promise<void>;
}

/**
 * A TCP forwarder in this process: listens on `host` (a hub address) and pipes each connection to
 * `to` (e.g. PostgreSQL on 127.0.0.1:5432), so hosts reach a server that listens on loopback only.
 * A cut link leaves both sides of a connection open, as a real partition does.
 */
export async function forward(host: string, to: { host: string; port: number }): Promise<Forwarder> {
  const sockets = new Set<Socket>();
  const server = createNetServer((client) => {
    const upstream = connect(to.port, to.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
