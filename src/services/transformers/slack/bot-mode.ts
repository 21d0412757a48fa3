// Slack bot mode: a Slack webhook with a channel posts through chat.postMessage as the Forjinn
// Slack app, with the operator's one SLACK_BOT_TOKEN. What makes a webhook use it, and what is
// said when its workspace may not (the rule and its check at save: services/webhooks/slack-bot-mode.ts;
// before every attempt: services/delivery/attempt.ts).

export const BOT_MODE_FIELD = 'transformerConfig.channel';

export const BOT_MODE_UNLINKED =
  'Slack bot mode (a channel set) posts as the Forjinn Slack app, which only a workspace linked to a Slack team may do: ' +
  'link a Slack team first (docs/slack.md, "Link the Slack workspace"), or clear the channel to post through an incoming webhook URL';

/** Whether a webhook's settings use the operator's bot token: the Slack transformer with a channel. */
export function usesSlackBot(transformer: string, config: unknown): boolean {
  if (transformer !== 'slack' || !config || typeof config !== 'object') return false;
  const channel = (config as Record<string, unknown>).channel;
  return typeof channel === 'string' && channel.trim() !== '';
}
