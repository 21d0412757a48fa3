// Which URL of a webhook may be shown, decided here for every door: the API's views, the page,
// the CLI, the request log, Slack's answers and alerts. Pure: the settings page's bundle uses it.
// Whether the webhook's target is signed is its transformer's declaration (Transformer.signed),
// passed in by the caller (core does not know the transformers).

/** What it needs of a webhook (store/webhooks.ts `Webhook` has it). */
export interface ShownUrlSource {
  url: string;
  urlMasked: string;
}

/**
 * Who sees it. `workspace`: the webhook's own workspace (API, page, CLI, request log), which
 * set the URL. `channel`: a Slack channel, whose members need not be the workspace's admins.
 */
export type UrlAudience = 'workspace' | 'channel';

/**
 * An unsigned (chat or incident) target's URL is its credential (Slack and Discord tokens in the
 * path, Teams `sig=`, Google Chat `key`/`token`): shown hinted to everyone. A signed endpoint's URL
 * is shown in full to its own workspace (it tells endpoints apart; credentials belong in the
 * secret or a header) and hinted in a channel.
 */
export function showsFullUrl(signed: boolean, audience: UrlAudience): boolean {
  return audience === 'workspace' && signed;
}

/** `signed`: the webhook's transformer declares it signed. */
export function shownUrl(w: ShownUrlSource, signed: boolean, audience: UrlAudience): string {
  return showsFullUrl(signed, audience) ? w.url : w.urlMasked;
}
