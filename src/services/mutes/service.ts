// Mutes: "stop posting chatflow X here for an hour" (issue 14, item 5). The same rules whichever
// door it comes through (the API, the Slack command, an alert's button). A mute covers one
// webhook or the Slack subscriptions of one channel; while it holds, the ingest statement stores
// the deliveries it covers as `muted` (store/deliveries/status.ts): in the request log, never
// sent, out of the failure streak. A signed (generic) webhook cannot be muted: it feeds a
// program, which should get every event or be disabled; a chat or incident target is read by
// people, who are the ones asking for quiet.
import { z } from 'zod';
import type { AppContext } from '../../core/context.js';
import { parseDuration } from '../../core/duration.js';
import { invalid, notFound } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { deleteMute, endMutesOfChannel, insertMute, listMutes, liveMutesOfChannel, type MuteRow } from '../../store/mutes.js';
import { isSigned } from '../transformers/index.js';
import { loadWebhook } from '../webhooks/service.js';

/** The longest mute: past it, disable the webhook or change its filters instead. */
export const MUTE_MAX_MS = 30 * 86_400_000;
export const MUTE_MAX_TEXT = '30d';

/** A chatflow id as the events carry it (ingest/schemas.ts has no tighter rule). */
const chatflowId = z.string().trim().min(1).max(200);

export const createMuteSchema = z
  .object({
    chatflowId,
    webhookId: z.uuid().optional().describe('mute this webhook (not a signed one)'),
    slackChannel: z.string().regex(/^[CGD][A-Z0-9]{2,30}$/, 'must be a Slack channel id such as C0123ABCD').optional().describe('mute the Slack subscriptions of this channel'),
    for: z.string().optional().describe('how long, from now: 30m, 1h, 2d (at most 30d)'),
    until: z.iso.datetime({ offset: true }).optional().describe('when it ends (at most 30 days ahead); a past time stores an ended mute'),
  })
  .strict();

export const listMutesSchema = z
  .object({
    all: z.enum(['true', 'false']).optional().describe('true: ended mutes too'),
    chatflowId: chatflowId.optional(),
  })
  .strict();

export interface MuteView {
  id: string;
  chatflowId: string;
  webhookId: string | null;
  slackChannel: string | null;
  until: string;
  active: boolean;
  createdBy: string;
  createdAt: string;
}

export const muteView = (m: MuteRow, now = new Date()): MuteView => ({
  id: m.id,
  chatflowId: m.chatflow_id,
  webhookId: m.webhook_id,
  slackChannel: m.slack_channel,
  until: m.until.toISOString(),
  active: m.until > now,
  createdBy: m.created_by,
  createdAt: m.created_at.toISOString(),
});

type Ctx = Pick<AppContext, 'db' | 'cipher' | 'config'>;

/** `30m`, `1h`, `2d` → ms, within (0, MUTE_MAX]; the message names what was wrong. */
export function muteDuration(text: string, field = 'for'): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (e) {
    throw invalid(field, (e as Error).message);
  }
  if (!/[a-z]\s*$/.test(text)) throw invalid(field, `"${text}" needs a unit: 30m, 1h, 2d`);
  if (ms < 60_000) throw invalid(field, 'a mute lasts at least 1m');
  if (ms > MUTE_MAX_MS) throw invalid(field, `a mute lasts at most ${MUTE_MAX_TEXT}; to stop deliveries for longer, disable the webhook or change its filters`);
  return ms;
}

/** A webhook a mute may cover: of this workspace, and not signed. */
export async function mutableWebhook(ctx: Ctx, workspaceId: string, webhookId: string, field = 'webhookId') {
  const hook = await loadWebhook(ctx, workspaceId, webhookId);
  if (isSigned(hook.transformer)) {
    throw invalid(field, 'a signed webhook feeds a program and is not muted (its receiver should get every event); disable it or change its filters instead');
  }
  return hook;
}

export interface MuteInput {
  chatflowId: string;
  webhookId?: string | null;
  slackChannel?: string | null;
  forMs?: number;
  until?: Date;
  createdBy: string;
}

/** Stores a mute (replacing a live one of the same scope and chatflow). */
export async function mute(ctx: Ctx, workspaceId: string, m: MuteInput): Promise<MuteRow> {
  if (m.webhookId) await mutableWebhook(ctx, workspaceId, m.webhookId);
  return insertMute(ctx.db.pool, {
    workspace_id: workspaceId,
    webhook_id: m.webhookId ?? null,
    slack_channel: m.webhookId ? null : (m.slackChannel ?? null),
    chatflow_id: m.chatflowId,
    forMs: m.forMs ?? 0,
    ...(m.until ? { until: m.until } : {}),
    created_by: m.createdBy,
  });
}

/** POST /v1/mutes: the body checked, then `mute`. */
export async function muteFromApi(ctx: Ctx, workspaceId: string, raw: unknown): Promise<MuteRow> {
  const input = parseInput(createMuteSchema, raw);
  if (!input.webhookId === !input.slackChannel) throw invalid(input.webhookId ? 'slackChannel' : 'webhookId', 'give one of webhookId and slackChannel');
  if (!input.for === !input.until) throw invalid(input.for ? 'until' : 'for', 'give one of for and until');
  let until: Date | undefined;
  if (input.until) {
    until = new Date(input.until);
    if (until.getTime() - Date.now() > MUTE_MAX_MS) throw invalid('until', `a mute lasts at most ${MUTE_MAX_TEXT}`);
  }
  return mute(ctx, workspaceId, {
    chatflowId: input.chatflowId,
    webhookId: input.webhookId ?? null,
    slackChannel: input.slackChannel ?? null,
    ...(input.for ? { forMs: muteDuration(input.for) } : {}),
    ...(until ? { until } : {}),
    createdBy: 'api',
  });
}

export async function mutesOf(ctx: Ctx, workspaceId: string, rawQuery: unknown): Promise<MuteView[]> {
  const q = parseInput(listMutesSchema, rawQuery);
  const rows = await listMutes(ctx.db.pool, workspaceId, { all: q.all === 'true', ...(q.chatflowId ? { chatflowId: q.chatflowId } : {}) });
  return rows.map((r) => muteView(r));
}

export async function unmute(ctx: Ctx, workspaceId: string, id: string): Promise<void> {
  if (!z.uuid().safeParse(id).success || !(await deleteMute(ctx.db.pool, workspaceId, id))) throw notFound('mute');
}

/** The live mutes a Slack channel shows and ends: its subscriptions', and those of webhooks made from it. */
export const channelMutes = (ctx: Ctx, workspaceId: string, channel: string) => liveMutesOfChannel(ctx.db.pool, workspaceId, channel);

export const unmuteInChannel = (ctx: Ctx, workspaceId: string, channel: string, chatflowId: string) => endMutesOfChannel(ctx.db.pool, workspaceId, channel, chatflowId);
