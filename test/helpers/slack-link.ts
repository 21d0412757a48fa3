// Links a Slack team the way a user does: the workspace's API key asks for a one-time code
// (POST /v1/slack/link-codes) and someone in that Slack team runs `/forjinn link <code>`,
// signed with the signing secret the way Slack signs it (the signed team_id is the proof).
import type { TestService } from './service.js';
import { slackSignature } from './slack-signature.js';

export interface LinkOptions {
  /** The API key of the workspace to link to (default: the service's first key). */
  key?: string;
  /** The Slack user who runs the command (must be in SLACK_ADMIN_USERS when that is set). */
  user?: string;
}

/** Creates a code for the key's workspace; answers the code. */
export async function linkCode(svc: TestService, key = svc.key): Promise<string> {
  const res = await svc.api('POST', '/v1/slack/link-codes', {}, key);
  if (res.status !== 201) throw new Error(`POST /v1/slack/link-codes answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.code as string;
}

/** `/forjinn <text>` from `team`, signed now; answers the status and the reply's text. */
export async function signedCommand(svc: TestService, signingSecret: string, team: string, text: string, user = 'U0LINKER1') {
  const body = new URLSearchParams({
    command: '/forjinn',
    text,
    team_id: team,
    team_domain: 'example',
    user_id: user,
    channel_id: 'C0LINKING1',
    channel_name: 'linking',
    // Never called: the link command answers at once, not through the response_url.
    response_url: 'http://127.0.0.1:9/not-used',
    trigger_id: '1.2.3',
  }).toString();
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = slackSignature(signingSecret, ts, body);
  const res = await fetch(`${svc.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature },
    body,
  });
  const raw = await res.text();
  let parsed: { text?: string } | undefined;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text: JSON.stringify(parsed ?? raw) };
}

/** The whole flow; throws unless the team ends up linked to the key's workspace. */
export async function linkSlackTeam(svc: TestService, signingSecret: string, team: string, opts: LinkOptions = {}): Promise<void> {
  const code = await linkCode(svc, opts.key);
  const res = await signedCommand(svc, signingSecret, team, `link ${code}`, opts.user);
  if (res.status !== 200 || !res.text.includes('Linked')) throw new Error(`/forjinn link answered ${res.status}: ${res.text}`);
}
