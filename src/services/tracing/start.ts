// The service's tracer: with OTEL_EXPORTER_OTLP_ENDPOINT, the OpenTelemetry SDK (otlp.ts), loaded
// here on demand; without it none of the SDK is loaded (undefined: attempts only get a span id
// each for the receiver's traceparent, core/trace.ts NO_EXPORT, and ingest makes no span).
import type { Config } from '../../core/config.js';
import type { Tracer } from '../../core/trace.js';

export async function startTracer(config: Pick<Config, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'>): Promise<Tracer | undefined> {
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const { createOtlpTracer } = await import('./otlp.js');
  return createOtlpTracer(config.OTEL_EXPORTER_OTLP_ENDPOINT, config.OTEL_SERVICE_NAME);
}
