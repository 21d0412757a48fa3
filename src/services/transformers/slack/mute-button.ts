// The "Mute this chatflow 1h" button (issue 14, item 5): on the Slack app's own failure alerts
// (doors/slack/alerts.ts) and on the messages a Slack webhook in bot mode posts as the app about an
// event of a chatflow (blocks.ts). Either click reaches the app's one handler (doors/slack/actions.ts),
// which mutes that webhook for that chatflow for an hour. Here, below both, so the transformer
// need not import the Slack door.
import type { ActionsBlock, Button } from '@slack/types';

/** The action id of the button (the handler is registered under it). */
export const MUTE_ACTION = 'forjinn_mute_chatflow';

/** The actions block of an alert: the handler puts the click's outcome in its place. */
export const ALERT_ACTIONS_BLOCK = 'forjinn_alert_actions';

/** How long the button mutes a chatflow (for its webhook); /forjinn mute chooses any other. */
export const BUTTON_MUTE = { ms: 3_600_000, label: 'Mute this chatflow 1h' } as const;

// https://api.slack.com/reference/block-kit/block-elements#button : value max 2000 characters.
export const SLACK_BUTTON_VALUE_MAX = 2000;

/** The button's value: the webhook and the chatflow, split by the first space (a webhook id has none). */
export const muteValue = (webhookId: string, chatflowId: string) => `${webhookId} ${chatflowId}`;

/** The button; undefined when its value would not fit (a chatflow id of nearly 2000 characters). */
export function muteButton(webhookId: string, chatflowId: string): Button | undefined {
  const value = muteValue(webhookId, chatflowId);
  if (value.length > SLACK_BUTTON_VALUE_MAX) return undefined;
  return { type: 'button', action_id: MUTE_ACTION, text: { type: 'plain_text', text: BUTTON_MUTE.label }, value };
}

/** An actions block with the button alone (a bot-mode webhook's message). */
export function muteActions(webhookId: string, chatflowId: string): ActionsBlock | undefined {
  const button = muteButton(webhookId, chatflowId);
  return button ? { type: 'actions', block_id: ALERT_ACTIONS_BLOCK, elements: [button] } : undefined;
}
