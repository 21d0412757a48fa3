// Signatures of a delivery, over the exact bytes sent:
// - X-Forjinn-Signature: sha256=<hex HMAC-SHA256(body)> keyed with the secret's UTF-8 bytes
//   (GitHub's X-Hub-Signature-256 and Flowise's X-Flowise-Signature form);
// - Standard Webhooks: webhook-signature: v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>,
//   keyed with the base64-decoded bytes after whsec_ (or the UTF-8 bytes of any other secret).
// During a rotation both secrets sign: space-separated values.
import { createHmac } from 'node:crypto';

export function standardKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

export function hubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function standardSignature(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const mac = createHmac('sha256', standardKey(secret));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return `v1,${mac.digest('base64')}`;
}

/** The signature headers for one request; `secrets` is the current secret first. */
export function signatureHeaders(secrets: string[], msgId: string, timestamp: number, body: string): Record<string, string> {
  if (secrets.length === 0) return {};
  return {
    'x-forjinn-signature': secrets.map((s) => hubSignature(s, body)).join(' '),
    'webhook-signature': secrets.map((s) => standardSignature(s, msgId, timestamp, body)).join(' '),
  };
}
