// A schema per event type. Fields the platform may add later pass through untouched; the ones
// transformers and filters rely on are required with their types.
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../transformers/types.js';

const text = z.string().max(200_000, 'at most 200,000 characters');
const idField = z.string().min(1, 'must not be empty').max(200, 'at most 200 characters');

const base = z.looseObject({
  event: z.enum(EVENT_TYPES),
  id: idField.optional(),
  timestamp: z.iso.datetime({ offset: true, message: 'expected an ISO 8601 date-time such as 2026-06-15T12:00:00Z' }).optional(),
  user: z.string().max(320).nullable().optional(),
  meta: z.looseObject({ duration_ms: z.number().nonnegative().optional(), token_usage: z.number().nonnegative().optional() }).optional(),
});

export const EVENT_SCHEMAS: Record<EventType, z.ZodType> = {
  flow_completed: base.extend({
    chatflowId: idField,
    chatflowName: z.string().max(500).optional(),
    sessionId: idField.nullable().optional(),
    input: text.nullable().optional(),
    output: text.nullable().optional(),
  }),
  agent_executed: base.extend({
    agentId: idField,
    agentName: z.string().max(500).optional(),
    chatflowId: idField.optional(),
    status: z.string().min(1).max(100),
    input: text.nullable().optional(),
    output: text.nullable().optional(),
  }),
  dataset_updated: base.extend({
    datasetId: idField,
    datasetName: z.string().max(500).optional(),
    change: z.string().min(1).max(100),
    rowsAdded: z.number().int().nonnegative().optional(),
    rowsUpdated: z.number().int().nonnegative().optional(),
    rowsDeleted: z.number().int().nonnegative().optional(),
  }),
  evaluation_completed: base.extend({
    evaluationId: idField,
    evaluationName: z.string().max(500).optional(),
    chatflowId: idField.optional(),
    datasetId: idField.optional(),
    status: z.string().min(1).max(100),
    metrics: z.looseObject({}).optional(),
  }),
  error_occurred: base.extend({
    chatflowId: idField.optional(),
    chatflowName: z.string().max(500).optional(),
    severity: z.enum(['info', 'warning', 'error', 'critical']).optional(),
    error: z.looseObject({
      message: z.string().min(1).max(100_000),
      kind: z.string().max(200).optional(),
      code: z.string().max(200).optional(),
      nodeId: z.string().max(200).nullable().optional(),
      stack: z.string().max(100_000).nullable().optional(),
    }),
  }),
};

export const eventTypeSchema = z.object({
  event: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }),
});
