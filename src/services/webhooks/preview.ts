// Preview: render a sample (or a given event) through a transformer and template without
// sending anything. Serves the page's live preview, for saved webhooks and unsaved forms alike.
import { z } from 'zod';
import { DEFAULT_TRANSFORMER, describeGrouping, getTransformer, parseTargetConfig, TRANSFORMER_NAMES, withRenderLimit } from '../transformers/index.js';
import { SAMPLE_EVENTS } from '../transformers/samples.js';
import { EVENT_TYPES, TransformerError, type EventType, type RenderContext } from '../transformers/types.js';
import type { Config } from '../../core/config.js';
import { ApiError, invalid } from '../../core/errors.js';
import { parseInput } from '../../core/validate.js';
import { redactHeaders } from '../delivery/request.js';
import { templateFor } from '../transformers/shared/templates.js';
import { templateSchema } from './schema.js';

export const previewSchema = z
  .object({
    transformer: z.string().default(DEFAULT_TRANSFORMER),
    transformerConfig: z.record(z.string(), z.unknown()).default({}),
    template: templateSchema.optional(),
    event: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }).optional(),
    payload: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type PreviewInput = z.infer<typeof previewSchema>;

function asApiError(e: unknown, templateField: string): never {
  if (e instanceof TransformerError) {
    const field = e.code === 'invalid_template' ? templateField : e.code === 'render_error' ? (e.field ?? 'template') : e.field ? `transformerConfig.${e.field}` : 'transformerConfig';
    throw new ApiError('validation_error', `${field}: ${e.message}`, field, [{ field, message: e.message }]);
  }
  throw e;
}

type PreviewConfig = Pick<Config, 'FORJINN_PUBLIC_URL' | 'FORJINN_APP_URL' | 'SLACK_API_URL' | 'SLACK_BOT_TOKEN' | 'FORJINN_MAX_RENDERED_BYTES'>;

/** A preview renders under the same size bound as a delivery: the 400 says what a delivery would fail with. */
export function renderPreview(config: PreviewConfig, raw: unknown, extra: Partial<RenderContext> = {}) {
  const input = parseInput(previewSchema, raw);
  const transformer = getTransformer(input.transformer);
  if (!transformer) throw invalid('transformer', `unknown transformer; one of ${TRANSFORMER_NAMES.join(', ')}`);
  const type: EventType = input.event ?? (input.payload?.event as EventType | undefined) ?? 'flow_completed';
  if (!EVENT_TYPES.includes(type)) throw invalid('payload.event', `must be one of ${EVENT_TYPES.join(', ')}`);
  const event = { ...SAMPLE_EVENTS[type], ...(input.payload ?? {}), event: type };
  // The template this type renders with: the one template, or this type's of a per-event map.
  const template = templateFor(input.template, type);
  const templateField = input.template && typeof input.template === 'object' ? `template.${type}` : 'template';
  try {
    const { config: parsed, group } = parseTargetConfig(transformer, input.transformerConfig);
    const limit = config.FORJINN_MAX_RENDERED_BYTES;
    if (template) withRenderLimit(limit, () => transformer.checkTemplate?.(template, parsed, [type]));
    const out = transformer.render(
      event,
      parsed,
      {
        publicUrl: config.FORJINN_PUBLIC_URL,
        appUrl: config.FORJINN_APP_URL,
        slackApiUrl: config.SLACK_API_URL,
        slackBotToken: config.SLACK_BOT_TOKEN ?? 'xoxb-preview',
        maxRenderedBytes: limit,
        ...extra,
      },
      template,
    );
    return {
      event: type,
      contentType: out.contentType,
      headers: redactHeaders(out.headers, {}),
      body: out.body,
      truncated: out.truncated,
      templateError: out.templateError ?? null,
      signed: out.signed,
      // What grouping does for this webhook (the message shown is one event's: previews are never grouped).
      grouping: describeGrouping(transformer, parsed, group),
    };
  } catch (e) {
    return asApiError(e, templateField);
  }
}
