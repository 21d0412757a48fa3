// Grouped chat alerts (issue 14): `transformerConfig.group` of a chat target. Events of one webhook
// that share a group key are gathered for `wait`, sent as one message, and that message is kept up
// to date (edited where the target can edit, one digest per `interval` where it cannot) until the
// group has been quiet for `close`. Whether a target groups is its declaration
// (`grouping`, types.ts), never its name; `group: false` sends one message per event.
import { z } from 'zod';
import { parseDuration } from '../../../core/duration.js';
import { TransformerError, type Transformer } from '../types.js';

export interface GroupSetting {
  /** Event fields (dotted paths) whose values make the group key, with the event type first. */
  by: string[];
  waitMs: number;
  intervalMs: number;
  closeMs: number;
}

/** Default: event type + chatflow or agent + error code (an absent field counts as empty). */
export const DEFAULT_GROUP_BY = ['event', 'chatflowId', 'agentId', 'error.code'];
export const GROUP_DEFAULTS = { wait: '30s', interval: '1m', close: '10m' } as const;
/** Whether a webhook of a target that groups is grouped when its settings have no `group`: yes (issue 14), with the defaults. */
export const GROUPS_BY_DEFAULT = true;

/** Each duration's bounds: a wait past an hour is no alert any more; a group closes within a day. */
const BOUNDS = {
  wait: { min: 0, max: 3_600_000, text: '0s and 1h' },
  interval: { min: 1_000, max: 3_600_000, text: '1s and 1h' },
  close: { min: 1_000, max: 86_400_000, text: '1s and 24h' },
} as const;

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

const duration = (name: keyof typeof BOUNDS) =>
  z
    .string({ error: 'must be a duration such as 30s, 1m, 10m' })
    .default(GROUP_DEFAULTS[name as keyof typeof GROUP_DEFAULTS])
    .transform((text, ctx) => {
      let ms: number;
      try {
        ms = parseDuration(text);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
      if (!/[a-z]\s*$/.test(text)) {
        ctx.addIssue({ code: 'custom', message: `"${text}" needs a unit: 30s, 1m, 10m` });
        return z.NEVER;
      }
      const b = BOUNDS[name];
      if (ms < b.min || ms > b.max) {
        ctx.addIssue({ code: 'custom', message: `must be between ${b.text}` });
        return z.NEVER;
      }
      return ms;
    });

const schema = z.strictObject({
  by: z
    .array(z.string({ error: 'must be event field names' }).regex(FIELD_PATH, { error: 'must be an event field name such as chatflowId or error.code' }), { error: 'must be a list of event field names' })
    .min(1, { error: 'must name at least one event field' })
    .max(10, { error: 'must name at most 10 event fields' })
    .default(DEFAULT_GROUP_BY),
  wait: duration('wait'),
  interval: duration('interval'),
  close: duration('close'),
});

/** The settings without `group` (what the target's own parseConfig reads), and `group` as given. */
export function splitGroup(raw: unknown): { settings: unknown; group: unknown } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !Object.hasOwn(raw, 'group')) return { settings: raw, group: undefined };
  const { group, ...settings } = raw as Record<string, unknown>;
  return { settings, group };
}

/**
 * `group` as given → the setting, or null (one message per event). Absent: on, with every
 * default, for a target that groups (GROUPS_BY_DEFAULT); off for one that does not. `false`: off.
 * On a target that does not group (the signed receiver, PagerDuty) anything but absent or false
 * is refused. Throws TransformerError with the field (`group.wait`).
 */
export function parseGroup(transformer: Pick<Transformer, 'name' | 'grouping'>, raw: unknown): GroupSetting | null {
  if (raw === undefined || raw === null) raw = GROUPS_BY_DEFAULT && transformer.grouping ? {} : false;
  if (raw === false) return null;
  if (!transformer.grouping) {
    throw new TransformerError('invalid_config', `${transformer.name} webhooks are not grouped: one delivery per event (set group to false or leave it out)`, 'group');
  }
  if (raw === true) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new TransformerError('invalid_config', 'group: must be an object ({ "by", "wait", "interval", "close" }) or false', 'group');
  const result = schema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue.code === 'unrecognized_keys') throw new TransformerError('invalid_config', `unknown group setting "${issue.keys[0]}" (known: by, wait, interval, close)`, `group.${issue.keys[0]}`);
    const field = ['group', ...issue.path.map(String)].join('.');
    throw new TransformerError('invalid_config', `${field}: ${issue.message}`, field);
  }
  const { by, wait, interval, close } = result.data;
  return { by, waitMs: wait, intervalMs: interval, closeMs: close };
}

/** Parses a webhook's settings as a whole: the target's own and its group setting. */
export function parseTargetConfig<C>(transformer: Transformer<C>, raw: unknown): { config: C; group: GroupSetting | null } {
  const { settings, group } = splitGroup(raw);
  const parsedGroup = parseGroup(transformer, group);
  return { config: transformer.parseConfig(settings), group: parsedGroup };
}

/** What the page's form needs of a target's grouping (GET /v1/transformers): null where it cannot group. */
export function groupingInfo(transformer: Pick<Transformer, 'grouping'>) {
  return transformer.grouping ? { byDefault: GROUPS_BY_DEFAULT, by: DEFAULT_GROUP_BY, ...GROUP_DEFAULTS } : null;
}

const BY_LABELS: Record<string, string> = { event: 'type', chatflowId: 'chatflow', agentId: 'agent', 'error.code': 'error code' };

/** The group key's fields in words; an event is about a chatflow or an agent, never both. */
function fieldsInWords(by: readonly string[]): string {
  const words = by.map((p) => BY_LABELS[p] ?? p);
  const either = words.includes('chatflow') && words.includes('agent');
  const shown = either ? words.filter((w) => w !== 'agent').map((w) => (w === 'chatflow' ? 'chatflow or agent' : w)) : words;
  return shown.length < 2 ? shown.join('') : `${shown.slice(0, -1).join(', ')}${shown.length > 2 ? ',' : ''} and ${shown.at(-1)}`;
}

/** 30s, 1m, 1h 30m: a duration as the setting is written. */
function short(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  if (rest || !parts.length) parts.push(`${rest}ms`);
  return parts.join(' ');
}

/**
 * What grouping does for a webhook, in one sentence for the preview; null for a target that never
 * groups. A target edits its message in place where it can with these settings (Slack only in bot mode).
 */
export function describeGrouping(transformer: Pick<Transformer, 'grouping' | 'capabilities' | 'usesBot'>, config: unknown, setting: GroupSetting | null): string | null {
  if (!transformer.grouping) return null;
  if (!setting) return 'Not grouped: one message per event.';
  const { edits, botMode } = transformer.capabilities;
  const inPlace = edits && (!botMode || transformer.usesBot?.(config) === true);
  const gathered = setting.waitMs === 0 ? 'sent at once as one message' : `gathered for ${short(setting.waitMs)} and sent as one message`;
  const updated = inPlace ? 'updated in place' : 'updated by a new digest message';
  return `Events with the same ${fieldsInWords(setting.by)} are ${gathered}, ${updated} at most every ${short(setting.intervalMs)}, closed after ${short(setting.closeMs)} quiet.`;
}
