// Slack's side of the conversation, on 127.0.0.1: a fake Web API that records every call
// (chat.postMessage, chat.update, …) and every post to a response_url, and a client that
// sends the service requests signed and form-encoded the way Slack sends them.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { slackSignature } from './slack-signature.js';

export { slackSignature };

/** Slack's published example (https://api.slack.com/authentication/verifying-requests-from-slack). */
export const SLACK_EXAMPLE = {
  secret: '8f742231b10e8888abcd99yyyzzz85a5',
  timestamp: '1531420618',
  body:
    'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar' +
    '&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2F' +
    'commands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
  signature: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
};

export interface Call {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  /** What the fake answered (chat.postMessage: the message's ts). */
  answer?: any;
}

export interface FakeSlack {
  apiUrl: string;
  calls: Call[];
  responses: Call[];
  /** A fresh response_url, as Slack gives one with each command and click. */
  responseUrl(): string;
  of(method: string): Call[];
  close(): Promise<void>;
}

/** Web API bodies come as JSON (the slack transformer) or form-encoded (the Web API client). */
function parseBody(type: string, raw: string): any {
  if (type.includes('json')) return JSON.parse(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    try {
      out[k] = /^[[{]/.test(v) ? JSON.parse(v) : v;
    } catch {
      out[k] = v;
    }
  }
  return out;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: Call[] = [];
  const responses: Call[] = [];
  let seq = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = parseBody(String(req.headers['content-type'] ?? ''), Buffer.concat(chunks).toString('utf8'));
      if (path.startsWith('/response/')) {
        responses.push({ method: path, headers: req.headers, body });
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      }
      const method = path.replace(/^\/api\//, '').split('?')[0];
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
      const answer = { ok: true, channel: body.channel, ts: body.ts ?? ts };
      calls.push({ method, headers: req.headers, body, answer });
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let responseSeq = 0;
  return {
    apiUrl: `${base}/api`,
    calls,
    responses,
    responseUrl: () => `${base}/response/${++responseSeq}`,
    of: (method) => calls.filter((c) => c.method === method),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Who {
  team?: string;
  channel?: string;
  channelName?: string;
  user?: string;
}

export interface SlackAnswer {
  status: number;
  body: any;
  text: string;
  responseUrl: string;
}

/** Sends the service what Slack would: signed, form-encoded, at a chosen timestamp. */
export function slackClient(serviceUrl: string, secret: string, fake: FakeSlack, defaults: Required<Who>) {
  async function post(body: string, opts: { timestamp?: number | string; signature?: string } = {}) {
    const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const res = await fetch(`${serviceUrl}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': opts.signature ?? slackSignature(secret, ts, body),
      },
      body,
    });
    const text = await res.text();
    let parsed: any = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body: parsed };
  }

  /** The form body Slack posts for `/forjinn <text>` (a fresh response_url each time). */
  function commandForm(text: string, who: Who = {}, responseUrl = fake.responseUrl()): string {
    const w = { ...defaults, ...who };
    return new URLSearchParams({
      token: 'legacy-verification-token',
      team_id: w.team,
      team_domain: 'example',
      channel_id: w.channel,
      channel_name: w.channelName,
      user_id: w.user,
      user_name: `name-of-${w.user.toLowerCase()}`,
      command: '/forjinn',
      text,
      api_app_id: 'A0FORJINN',
      is_enterprise_install: 'false',
      response_url: responseUrl,
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
    }).toString();
  }

  /** `/forjinn <text>` from a user in a channel. The answer's text includes every block's text. */
  async function command(text: string, who: Who = {}, opts: { timestamp?: number; signature?: string } = {}): Promise<SlackAnswer> {
    const responseUrl = fake.responseUrl();
    const res = await post(commandForm(text, who, responseUrl), opts);
    return { ...res, text: allText(res.body), responseUrl };
  }

  /** A click on a button of a message the app posted (as recorded by the fake Web API). */
  async function click(actionId: string, message: Call, who: Who = {}) {
    const w = { ...defaults, ...who };
    const blocks = message.body.blocks as any[];
    const button = blocks.flatMap((b) => b.elements ?? []).find((e: any) => e.action_id === actionId);
    if (!button) throw new Error(`no button ${actionId} in ${JSON.stringify(blocks)}`);
    const payload = {
      type: 'block_actions',
      team: { id: w.team, domain: 'example' },
      user: { id: w.user, username: `name-of-${w.user}`, team_id: w.team },
      api_app_id: 'A0FORJINN',
      token: 'legacy-verification-token',
      container: { type: 'message', message_ts: message.answer.ts, channel_id: message.body.channel, is_ephemeral: false },
      trigger_id: '13345224609.738474920.8088930838d88f008e0',
      channel: { id: message.body.channel, name: w.channelName },
      message: { type: 'message', ts: message.answer.ts, text: message.body.text, blocks },
      response_url: fake.responseUrl(),
      actions: [{ ...button, type: 'button', block_id: 'forjinn_alert_actions', action_ts: String(Date.now() / 1000) }],
    };
    return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
  }

  return { post, command, commandForm, click };
}

/** Every text of a Block Kit answer, joined, with Slack's three entities shown as Slack shows them. */
export function allText(body: any): string {
  if (!body || typeof body !== 'object') return String(body ?? '');
  const parts: string[] = [];
  const walk = (v: any) => {
    if (typeof v === 'string') return;
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === 'object') {
      if (typeof v.text === 'string') parts.push(v.text);
      Object.values(v).forEach(walk);
    }
  };
  walk(body.blocks ?? []);
  const text = parts.length ? parts.join('\n') : String(body.text ?? '');
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
