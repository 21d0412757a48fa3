// What may be shown of a secret, in one place: webhook URLs of chat targets (their token is in
// the path or the query), API keys in lists, and any secret shown in part later. Pure (no Node
// module): the settings page's bundle uses it too.

/** A secret shown as nothing at all (secret settings, custom header values). Sent back as it is, it keeps what is stored. */
export const HIDDEN = '••••••';

/**
 * At most this many characters of a secret are shown. Four is the smaller of the two rules
 * this replaces (URL paths showed 8 characters, API keys 8 random ones): enough to tell
 * `https://hooks.slack.com/ser…` from `https://discord.com/api/…` or to see that `fjk_…` is an
 * API key, and a Slack or Discord token never starts within them.
 */
export const HINT_CHARS = 4;

/** A secret shorter than this shows nothing of itself: four characters would be a third of it or more. */
export const HINT_MIN_CHARS = 12;

/** The first HINT_CHARS characters of a secret and "…"; only "…" for one shorter than HINT_MIN_CHARS. */
export function hint(secret: string): string {
  const chars = Array.from(secret);
  return chars.length < HINT_MIN_CHARS ? '…' : `${chars.slice(0, HINT_CHARS).join('')}…`;
}

/** A URL with everything after the host hinted: scheme://host/ and `hint` of the path and query. */
export function hintUrl(raw: string): string {
  try {
    const u = new URL(raw);
    const rest = u.pathname + u.search;
    return `${u.protocol}//${u.host}${rest === '/' ? '/' : hint(rest)}`;
  } catch {
    return '…';
  }
}
