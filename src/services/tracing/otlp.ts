// The OpenTelemetry SDK, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set (start.ts imports
// this file dynamically): spans made with the SDK's tracer under the platform's span, batched and
// exported over OTLP/HTTP (JSON) to <endpoint>/v1/traces. The SDK's own OTEL_* variables
// (sampler, batch sizes, exporter headers and timeout) are read by it from the environment.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, createTraceState, trace, type Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { parentSpanOf, sampledOf, traceIdOf, type EventTrace, type SpanAttributes, type Tracer } from '../../core/trace.js';

const clean = (a: SpanAttributes): Attributes => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)) as Attributes;

/** The platform's span as the parent context of the service's. */
function parentContext(parent: EventTrace) {
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: traceIdOf(parent.parent),
    spanId: parentSpanOf(parent.parent),
    traceFlags: sampledOf(parent.parent) ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
    ...(parent.state ? { traceState: createTraceState(parent.state) } : {}),
  });
}

export function createOtlpTracer(endpoint: string, serviceName: string): Tracer {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }))],
  });
  const tracer = provider.getTracer('forjinn-webhooks');
  return {
    start(name, kind, parent, attributes) {
      const span = tracer.startSpan(name, { kind: kind === 'server' ? SpanKind.SERVER : SpanKind.CLIENT, attributes: clean(attributes) }, parentContext(parent));
      return {
        spanId: span.spanContext().spanId,
        end(more = {}, error = null) {
          span.setAttributes(clean(more));
          if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
          span.end();
        },
      };
    },
    shutdown: () => provider.shutdown(),
  };
}
