// What every peer build of the delivery job shares (issue 28, item 1), written as a Node user would
// write it: an express app taking `POST /v1/events` (Bearer key, JSON body) and `POST /v1/webhooks`;
// webhooks kept in PostgreSQL and cached in memory; each delivery signed as the service signs it
// (the same headers, through the service's own signing functions) and POSTed with undici; with
// PEER_LOG_ATTEMPTS=1, each attempt inserted into an `attempts` table before the job completes.
// Each peer file provides `enqueue` (one job per subscribed webhook, committed before the 202) and
// runs `deliver` from its queue's worker. Run as a process by bench/peers.ts, never imported by it.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { request } from 'undici';
import { signatureHeaders } from '../../src/services/signing/sign.js';

export interface Delivery {
  webhookId: string;
  eventId: string;
  eventType: string;
  /** The exact JSON bytes to send. */
  payload: string;
}

interface Webhook {
  id: string;
  url: string;
  secret: string;
  events: string[];
}

function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

export const DATABASE_URL = need('PEER_DATABASE_URL');
const API_KEY = Buffer.from(need('PEER_API_KEY'));
const LOG_ATTEMPTS = process.env.PEER_LOG_ATTEMPTS === '1';
/** Connections of the peer's own pool (webhooks, attempt log); the queue library has its own. */
export const db = new pg.Pool({ connectionString: DATABASE_URL, max: 20 });

const webhooks = new Map<string, Webhook>();
async function loadWebhooks() {
  const { rows } = await db.query<Webhook>('select id, url, secret, events from webhooks');
  webhooks.clear();
  for (const w of rows) webhooks.set(w.id, w);
}

async function migrate() {
  await db.query(`create table if not exists webhooks (id uuid primary key, url text not null, secret text not null, events text[] not null)`);
  await db.query(`create table if not exists attempts (
    id bigserial primary key, delivery_id text not null, webhook_id uuid not null, event_id text not null,
    attempt int not null, url text not null, status int, error text, duration_ms real not null, at timestamptz not null default now())`);
}

const USER_AGENT = 'forjinn-webhooks-bench-peer';

/** One attempt: sign, POST, log it (when asked); throws on anything but a 2xx so the queue retries. */
export async function deliver(deliveryId: string, attempt: number, d: Delivery): Promise<number> {
  const w = webhooks.get(d.webhookId);
  if (!w) return 0; // deleted since: nothing to send
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': USER_AGENT,
    'x-forjinn-event': d.eventType,
    'x-forjinn-delivery': deliveryId,
    'webhook-id': deliveryId,
    'webhook-timestamp': String(timestamp),
    ...signatureHeaders([w.secret], deliveryId, timestamp, d.payload),
  };
  const t0 = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await request(w.url, { method: 'POST', headers, body: d.payload, headersTimeout: 10_000, bodyTimeout: 10_000 });
    status = res.statusCode;
    await res.body.dump();
  } catch (e) {
    error = String(e);
  }
  if (LOG_ATTEMPTS) {
    await db.query('insert into attempts (delivery_id, webhook_id, event_id, attempt, url, status, error, duration_ms) values ($1, $2, $3, $4, $5, $6, $7, $8)', [
      deliveryId, w.id, d.eventId, attempt, w.url, status, error, performance.now() - t0,
    ]);
  }
  if (status === null || status < 200 || status > 299) throw new Error(error ?? `answered ${status}`);
  return status;
}

/**
 * Starts the API; `enqueue` must have stored the jobs when it resolves. Prints the settings line
 * (read by the bench), then `listening on <url>` once ready.
 */
export async function serve(opts: { settings: string; durability: string; enqueue: (jobs: Delivery[]) => Promise<unknown>; stop: () => Promise<void> }) {
  await migrate();
  await loadWebhooks();
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.use((req, res, next) => {
    const given = Buffer.from(/^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '');
    if (given.length !== API_KEY.length || !timingSafeEqual(given, API_KEY)) return void res.status(401).json({ error: 'unauthorized' });
    next();
  });
  app.post('/v1/webhooks', async (req, res) => {
    const { url, secret, events } = req.body ?? {};
    if (typeof url !== 'string' || !Array.isArray(events)) return void res.status(400).json({ error: 'url and events are required' });
    const id = randomUUID();
    await db.query('insert into webhooks (id, url, secret, events) values ($1, $2, $3, $4)', [id, url, typeof secret === 'string' ? secret : randomUUID(), events]);
    await loadWebhooks();
    res.status(201).json({ id, url, events });
  });
  app.post('/v1/events', async (req, res) => {
    const body = req.body;
    if (!body || typeof body !== 'object' || typeof body.event !== 'string') return void res.status(400).json({ error: 'event is required' });
    const eventId = typeof body.id === 'string' ? body.id : randomUUID();
    const payload = JSON.stringify({ ...body, id: eventId });
    const jobs: Delivery[] = [];
    for (const w of webhooks.values()) {
      if (w.events.includes('*') || w.events.includes(body.event)) jobs.push({ webhookId: w.id, eventId, eventType: body.event, payload });
    }
    if (jobs.length > 0) await opts.enqueue(jobs);
    res.status(202).json({ id: eventId, deliveries: jobs.length });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((r) => server.once('listening', () => r()));
  server.keepAliveTimeout = 60_000;
  const reload = setInterval(() => void loadWebhooks().catch(() => {}), 5_000);
  const shutdown = async () => {
    clearInterval(reload);
    server.closeAllConnections();
    server.close();
    await opts.stop();
    await db.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  console.log(`settings: ${opts.settings}; ${LOG_ATTEMPTS ? 'each attempt inserted into PostgreSQL (pg pool of 20) before the job completes' : 'attempts not logged'}`);
  console.log(`durability: ${opts.durability}`);
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

export const RETRIES = 5; // 6 attempts in all, as the service's default schedule

/** The installed version of a peer package (bench/peers/node_modules). */
export function version(pkg: string): string {
  return (JSON.parse(readFileSync(new URL(`./node_modules/${pkg}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
}
