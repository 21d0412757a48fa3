// What the page needs to build its forms and live previews: the transformers and their
// settings, and rendering without sending.
import type { Router } from 'express';
import { defaultTemplateSource, getTransformer, groupingInfo, TRANSFORMERS } from '../../services/transformers/index.js';
import { EVENT_TYPES } from '../../services/transformers/types.js';
import type { AppContext } from '../../core/context.js';
import { renderPreview } from '../../services/webhooks/preview.js';
import { keepHidden, loadWebhook } from '../../services/webhooks/service.js';
import { HIDDEN } from '../../services/webhooks/view.js';
import { hideValues, secretSettingValues } from '../../services/delivery/request.js';
import { workspaceOf } from './auth.js';

export function mountTransformerRoutes(r: Router, ctx: AppContext) {
  r.get('/v1/transformers', (_req, res) => {
    res.json({
      data: Object.values(TRANSFORMERS).map((t) => ({
        name: t.name,
        label: t.label,
        signed: t.signed,
        description: t.description ?? null,
        configFields: t.configFields,
        defaultUrl: t.defaultUrl ?? null,
        templateHelp: t.templateHelp ?? null,
        grouping: groupingInfo(t),
        defaultTemplates: Object.fromEntries(EVENT_TYPES.map((e) => [e, defaultTemplateSource(t.name, e)])),
      })),
    });
  });

  r.post('/v1/preview', (req, res) => {
    res.json(renderPreview(ctx.config, req.body));
  });

  // The same, with the transformer named in the path.
  r.post('/v1/transformers/:name/preview', (req, res) => {
    res.json(renderPreview(ctx.config, { ...(req.body ?? {}), transformer: req.params.name }));
  });

  r.post('/v1/webhooks/:id/preview', async (req, res) => {
    const w = await loadWebhook(ctx, workspaceOf(req).id, req.params.id);
    const body = (req.body ?? {}) as Record<string, unknown>;
    // The stored settings, with hidden values sent back as shown kept as stored; another format
    // (the form's format changed, not saved yet) is previewed with only the settings sent.
    const given = body.transformerConfig as Record<string, unknown> | undefined;
    const config = body.transformer === undefined || body.transformer === w.transformer ? { ...w.transformerConfig, ...keepHidden(given, w.transformerConfig) } : (given ?? {});
    const out = renderPreview(
      ctx.config,
      { transformer: w.transformer, template: w.template, ...body, transformerConfig: config },
      { webhookId: w.id, webhookUrl: w.url },
    );
    // A preview is shown on screens: secret settings (PagerDuty's routing key) stay hidden, in
    // every form they take (as stored, trimmed as rendered; request.ts).
    out.body = hideValues(out.body, secretSettingValues(getTransformer(w.transformer) ?? { configFields: [] }, w.transformerConfig, config), HIDDEN);
    res.json(out);
  });
}
