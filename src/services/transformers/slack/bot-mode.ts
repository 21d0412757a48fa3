// Slack bot mode: a Slack webhook with a channel posts through chat.postMessage as the Forjinn
// Slack app, with the operator's one SLACK_BOT_TOKEN. What makes a webhook use it, and what is
// said when its workspace may not. The Slack transformer declares it (capabilities.botMode, usesBot);
// the engine reads that (transformers/index.ts usesBotToken): the rule and its check at save in
// services/webhooks/slack-bot-mode.ts, before every attempt in services/delivery/attempt.ts.

export const BOT_MODE_FIELD = 'transformerConfig.channel';

export const BOT_MODE_UNLINKED =
  'Slack bot mode (a channel set) posts as the Forjinn Slack app, which only a workspace linked to a Slack team may do: ' +
  'link a Slack team first (docs/slack.md, "Link the Slack workspace"), or clear the channel to post through an incoming webhook URL';

/** Whether a Slack webhook's settings (as given or parsed) use the operator's bot token: a channel set. */
export function usesSlackBot(config: unknown): boolean {
  if (!config || typeof config !== 'object') return false;
  const channel = (config as Record<string, unknown>).channel;
  return typeof channel === 'string' && channel.trim() !== '';
}
