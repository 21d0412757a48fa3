// Slack's request signing, as Slack does it: one function for every test that sends the service
// a signed request (the fake Slack client, the link helper, the replay tests).
import { createHmac } from 'node:crypto';

/** Slack's v0 signature: HMAC-SHA256 of `v0:{timestamp}:{body}`, keyed with the signing secret, hex. */
export function slackSignature(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}
