// Grouped alerts are on by default for chat targets (docs/transformers.md, "Grouped alerts"). A
// test that wants one message per event from a webhook it did not create through the API with
// its own settings (a Slack subscription, `/forjinn webhook add`) sets its group setting to false
// here, through the API, keeping its other settings.
import { expect } from '@jest/globals';
import type { TestService } from './service.js';

export async function oneMessagePerEvent(svc: Pick<TestService, 'api'>, webhookId: string): Promise<void> {
  const hook = await svc.api('GET', `/v1/webhooks/${webhookId}`);
  const patched = await svc.api('PATCH', `/v1/webhooks/${webhookId}`, { transformerConfig: { ...hook.body.transformerConfig, group: false } });
  expect([patched.status, patched.body.transformerConfig?.group]).toEqual([200, false]);
}

/** The webhook id a Slack command's answer names (`…` in backticks). */
export const idIn = (text: string): string => /`([0-9a-f-]{36})`/.exec(text)![1];
