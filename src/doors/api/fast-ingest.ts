// POST /v1/events without express: the one request a platform sends per event, so the one whose
// cost sets the service's throughput. It answers exactly as the express route would (the key
// checked before the body is read, the same body limit, JSON parsing and depth check, ingest and
// error answers); anything unusual about the request (another content type, a compressed body)
// is left to express.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppContext } from '../../core/context.js';
import { ApiError } from '../../core/errors.js';
import { ingestEvent } from '../../services/ingest/ingest.js';
import type { Dispatch } from '../../services/ingest/handoff.js';
import { apiErrorOf } from './error-handler.js';
import { workspaceOfKey } from './auth.js';
import { checkJsonDepth } from '../../core/validate.js';
import { checkBodyHeaders, JSON_LIMIT, tooLarge } from './body-limits.js';
import { readTrace } from '../../core/trace.js';

/** Takes a request and answers it (true), or leaves it to express (false). */
export type FastHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const JSON_TYPES = new Set(['application/json', 'application/json; charset=utf-8']);

export function fastIngest(ctx: AppContext, dispatch: Dispatch): FastHandler {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/events') return false;
    if (!JSON_TYPES.has(req.headers['content-type'] ?? '')) return false;
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding !== 'identity') return false;
    void handle(ctx, dispatch, req, res);
    return true;
  };
}

async function handle(ctx: AppContext, dispatch: Dispatch, req: IncomingMessage, res: ServerResponse) {
  try {
    // In express's order (app.ts): the key, the headers, the bytes, the depth.
    const workspace = await workspaceOfKey(ctx, req.headers.authorization);
    checkBodyHeaders(req, '/v1/events');
    const body = await readJson(req);
    checkJsonDepth(body);
    const key = req.headers['idempotency-key'];
    const trace = readTrace(req.headers.traceparent, req.headers.tracestate);
    const result = await ingestEvent(ctx, dispatch, workspace, body, typeof key === 'string' ? key : undefined, trace);
    send(res, result.status, result.body);
  } catch (err) {
    const { api, retryAfter } = apiErrorOf(err, ctx.log, { method: 'POST', path: '/v1/events' });
    if (retryAfter) res.setHeader('retry-after', retryAfter);
    send(res, api.status, api.toJSON());
    req.resume(); // a body not read (no key) or cut short by the limit: discard the rest
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** The body as JSON, as express.json({ strict: false }) reads it: empty means {}, a BOM is dropped. */
function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > JSON_LIMIT) {
        req.off('data', onData);
        return reject(tooLarge(JSON_LIMIT));
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.once('error', reject);
    req.once('end', () => {
      if (size > JSON_LIMIT) return;
      let text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text.length === 0) return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new ApiError('invalid_json', 'request body is not valid JSON'));
      }
    });
  });
}
