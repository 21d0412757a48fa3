// The package's public API for receivers and embedders.
export { verifyWebhook, WebhookVerificationError, type VerifyOptions } from './receiving/verify.js';
export { forjinnWebhook } from './receiving/middleware.js';
export { hubSignature, standardSignature } from './delivery/sign.js';
