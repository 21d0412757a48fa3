// The product's sample events (samples/events/, the ones Send Test and previews use), bundled
// into the page so Send Test can start from the sample of the chosen type without a request.
import flowCompleted from '../../../../samples/events/flow_completed.json' with { type: 'json' };
import agentExecuted from '../../../../samples/events/agent_executed.json' with { type: 'json' };
import datasetUpdated from '../../../../samples/events/dataset_updated.json' with { type: 'json' };
import evaluationCompleted from '../../../../samples/events/evaluation_completed.json' with { type: 'json' };
import errorOccurred from '../../../../samples/events/error_occurred.json' with { type: 'json' };
import type { EventType } from './types.js';

export const SAMPLES: Record<EventType, Record<string, unknown>> = {
  flow_completed: flowCompleted,
  agent_executed: agentExecuted,
  dataset_updated: datasetUpdated,
  evaluation_completed: evaluationCompleted,
  error_occurred: errorOccurred,
};
