// How each chat and paging vendor answers a good request, for a receiver on 127.0.0.1 that stands
// in for all of them at one path prefix each (/slack, /teams, /discord, /pagerduty, /google-chat):
// Slack `ok`, Teams 202, Discord JSON for ?wait=true, PagerDuty 202 success, Google Chat 200.
import type { ServerResponse } from 'node:http';
import type { Received } from './receiver.js';

export const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** The vendor is the first path segment; any other path gets `otherStatus`. */
export function vendorAnswer(req: Received, res: ServerResponse, otherStatus = 404): void {
  const vendor = req.path.split(/[/?]/)[1];
  if (vendor === 'slack') res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  else if (vendor === 'teams') res.writeHead(202).end();
  else if (vendor === 'discord') json(res, 200, { id: '1234567890', type: 0, channel_id: '42', embeds: [] });
  else if (vendor === 'pagerduty') json(res, 202, { status: 'success', message: 'Event processed', dedup_key: 'k' });
  else if (vendor === 'google-chat') json(res, 200, { name: 'spaces/AAAA/messages/1' });
  else res.writeHead(otherStatus).end();
}
