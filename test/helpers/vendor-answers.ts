// How each chat and paging vendor answers a good request, for a receiver on 127.0.0.1 that stands
// in for all of them at one path prefix each, the target's name (/slack, /teams, …): each target's
// answer is its contract.ts `goodAnswer` (Slack `ok`, Teams 202, Discord JSON for ?wait=true, …).
import type { ServerResponse } from 'node:http';
import type { Received } from './receiver.js';
import { CONTRACTS } from './target-contract.js';
import { getTransformer } from '../../src/services/transformers/index.js';

export const json = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

/** The vendor is the first path segment, a registered unsigned target's name; any other path gets `otherStatus`. */
export function vendorAnswer(req: Received, res: ServerResponse, otherStatus = 404): void {
  const vendor = req.path.split(/[/?]/)[1];
  const target = getTransformer(vendor);
  if (!target || target.signed) return void res.writeHead(otherStatus).end();
  const answer = CONTRACTS[target.name as keyof typeof CONTRACTS].goodAnswer;
  res.writeHead(answer.status, answer.contentType ? { 'content-type': answer.contentType } : {}).end(answer.body ?? '');
}
