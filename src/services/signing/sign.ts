// Signatures of a delivery, over the exact bytes sent:
// - X-Forjinn-Signature: sha256=<hex HMAC-SHA256(body)> keyed with the secret's UTF-8 bytes
//   (GitHub's X-Hub-Signature-256 and Flowise's X-Flowise-Signature form);
// - Standard Webhooks: webhook-signature: v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>,
//   keyed with the base64-decoded bytes after whsec_ (or the UTF-8 bytes of any other secret).
// During a rotation both secrets sign, each header in the form its verifiers read:
// - X-Forjinn-Signature keeps exactly one sha256= value, the current secret's, as GitHub's header
//   does (octokit's verify compares the whole header value, so two values fail for both secrets);
//   the previous secret's goes in X-Forjinn-Signature-Previous, sent during the overlap only;
// - webhook-signature holds both v1, values, space-separated, as the Standard Webhooks spec allows.
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

export const SIGNATURE_HEADER = 'x-forjinn-signature';
export const PREVIOUS_SIGNATURE_HEADER = 'x-forjinn-signature-previous';

/**
 * The signature headers for one request; `secrets` is the current secret, then the previous one
 * while its grace period lasts.
 */
export function signatureHeaders(secrets: string[], msgId: string, timestamp: number, body: string): Record<string, string> {
  const [current, previous] = secrets;
  if (current === undefined) return {};
  const headers: Record<string, string> = {
    [SIGNATURE_HEADER]: hubSignature(current, body),
    'webhook-signature': secrets.slice(0, 2).map((s) => standardSignature(s, msgId, timestamp, body)).join(' '),
  };
  if (previous !== undefined) headers[PREVIOUS_SIGNATURE_HEADER] = hubSignature(previous, body);
  return headers;
}
