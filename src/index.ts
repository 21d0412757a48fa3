// The package's public API for receivers and embedders.
export { verifyWebhook, WebhookVerificationError, type VerifyOptions } from './services/receiving/verify.js';
export { forjinnWebhook } from './services/receiving/middleware.js';
export { hubSignature, standardSignature } from './services/signing/sign.js';
