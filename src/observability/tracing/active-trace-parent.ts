import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { formatTraceParent } from '../../engine/trace-parent';

/**
 * The W3C traceparent of the span active where this is called (a host's HTTP instrumentation's
 * server span, a step attempt's span, the host's own), or null when none is: what instances
 * created here are traced under. W3C whatever propagator the host configured, because that is the
 * form stored with instances.
 */
export function activeTraceParent(): string | null {
  const active = trace.getSpanContext(context.active());
  if (!active || !isSpanContextValid(active)) return null;
  return formatTraceParent({ traceId: active.traceId, spanId: active.spanId, flags: active.traceFlags });
}
