// What a webhook may look like, in one place: the API, the CLI and the Slack app all validate
// through these schemas, so a field error reads the same everywhere.
import { z } from 'zod';
import { EVENT_TYPES } from '../transformers/types.js';
import { DEFAULT_TRANSFORMER } from '../transformers/index.js';

const id = z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters');
const idList = z.array(id).max(500, 'at most 500 ids');

export const filtersSchema = z
  .object({ chatflowIds: idList.optional(), agentIds: idList.optional(), datasetIds: idList.optional() })
  .strict();
export type Filters = z.infer<typeof filtersSchema>;

// Headers the engine sets itself (or that would break the request) cannot be overridden.
const RESERVED_HEADER = /^(host|content-length|content-type|transfer-encoding|connection|user-agent|x-forjinn-.*|webhook-.*)$/i;
const headersSchema = z
  .record(
    z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, 'is not a valid header name'),
    z.string().max(4096, 'at most 4096 characters').regex(/^[^\r\n\0]*$/, 'must not contain line breaks'),
  )
  .superRefine((h, ctx) => {
    const names = Object.keys(h);
    if (names.length > 20) ctx.addIssue({ code: 'custom', message: 'at most 20 headers' });
    for (const name of names) {
      if (RESERVED_HEADER.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the service and cannot be overridden' });
    }
  });

const secretSchema = z
  .string()
  .min(16, 'at least 16 characters')
  .max(256, 'at most 256 characters')
  .refine((s) => !s.startsWith('whsec_') || [24, 32, 48, 64].includes(Buffer.from(s.slice(6), 'base64').length), {
    message: 'a whsec_ secret must be base64 of 24 to 64 bytes',
  });

const eventsSchema = z
  .array(z.enum([...EVENT_TYPES, '*'], { message: `must be one of ${EVENT_TYPES.join(', ')} or *` }))
  .min(1, 'subscribe to at least one event type, or ["*"]')
  .transform((list) => (list.includes('*') ? ['*'] : [...new Set(list)]));

const templateSource = z.string().max(65_536, 'at most 64 KiB');

/**
 * One template for every event type (a string, as always), or one per event type: an object
 * `{ "<event_type>": "<template>" }`, the built-in default rendering the types it leaves out. An
 * empty entry is the default too; a map left empty is no template.
 */
export const templateSchema = z
  .union(
    [
      templateSource,
      z.partialRecord(z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }), templateSource).transform((m) => {
        const kept = Object.entries(m).filter(([, v]) => v !== undefined && v.trim() !== '');
        return kept.length ? (Object.fromEntries(kept) as Partial<Record<(typeof EVENT_TYPES)[number], string>>) : null;
      }),
    ],
    { message: 'must be a template, or an object with one template per event type' },
  )
  .nullable();
export type TemplateInput = z.infer<typeof templateSchema>;

export const webhookFields = {
  url: z.string().trim().max(2048, 'at most 2048 characters'),
  events: eventsSchema,
  enabled: z.boolean(),
  description: z.string().max(500, 'at most 500 characters').nullable(),
  transformer: z.string(),
  transformerConfig: z
    .record(z.string(), z.unknown())
    .describe('the target\'s settings (docs/transformers.md), and `group`: grouped alerts ({by, wait, interval, close}), on with the defaults for a chat target that leaves it out; false: one message per event'),
  template: templateSchema,
  filters: filtersSchema,
  headers: headersSchema,
  maxAttempts: z.number().int('must be a whole number').min(1, 'at least 1').max(50, 'at most 50').nullable(),
};

export const createWebhookSchema = z
  .object({
    ...webhookFields,
    secret: secretSchema.nullable().optional(),
    enabled: webhookFields.enabled.optional(),
    description: webhookFields.description.optional(),
    transformer: webhookFields.transformer.default(DEFAULT_TRANSFORMER),
    transformerConfig: webhookFields.transformerConfig.default({}),
    template: webhookFields.template.optional(),
    filters: webhookFields.filters.default({}),
    headers: webhookFields.headers.default({}),
    maxAttempts: webhookFields.maxAttempts.optional(),
  })
  .strict();
export type CreateWebhookInput = z.infer<typeof createWebhookSchema>;

export const patchWebhookSchema = z
  .object({
    url: webhookFields.url,
    events: webhookFields.events,
    enabled: webhookFields.enabled,
    description: webhookFields.description,
    transformer: webhookFields.transformer,
    transformerConfig: webhookFields.transformerConfig,
    template: webhookFields.template,
    filters: webhookFields.filters,
    headers: webhookFields.headers,
    maxAttempts: webhookFields.maxAttempts,
  })
  .partial()
  .strict();
export type PatchWebhookInput = z.infer<typeof patchWebhookSchema>;

export const rotateSecretSchema = z
  .object({
    secret: secretSchema.optional(),
    graceSeconds: z.number().int().min(0, 'at least 0').max(7 * 86_400, 'at most 7 days (604800)').default(86_400),
  })
  .strict();
