// Test-only (shared/contract.ts): the plain receiver's sample URL, its checker and its answers.
import { parsed, rule, type TargetContract } from '../shared/contract.js';

export const contract: TargetContract = {
  hookUrl: 'https://receiver.example.com/forjinn',
  settings: {},
  secrets: [],
  goodAnswer: { status: 200 },
  check(sent) {
    const problems: string[] = [];
    const bad = rule(problems);
    bad(sent.contentType === 'application/json', `content type ${sent.contentType}`);
    const body = parsed(sent, problems);
    bad(typeof body.event === 'string' && typeof body.id === 'string', 'not a Forjinn event (event, id)');
    return problems;
  },
  // A body of the event's own fields: a plain receiver's limits are its own (ingest bounds the event).
  flood: '{"event": {{json event}}, "id": {{json id}}, "output": {{json output}}, "message": {{json error.message}}, "input": {{json input}} }',
  validTemplate: '{"type": {{json event}}, "output": {{json output}}, "flow": {{json chatflowName}} }',
  // A plain receiver may be mid-deploy: redirects and every 4xx but 410 are retried.
  answers: {
    100: 'retry', 200: 'success', 201: 'success', 202: 'success', 204: 'success', 301: 'retry', 302: 'retry', 304: 'retry',
    400: 'retry', 401: 'retry', 403: 'retry', 404: 'retry', 408: 'retry', 409: 'retry', 410: 'disable', 413: 'retry', 422: 'retry', 429: 'retry',
    500: 'retry', 502: 'retry', 503: 'retry', 504: 'retry',
  },
};
