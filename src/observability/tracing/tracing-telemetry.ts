import { type Context, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, context, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { ErrorInfo } from '../../engine/errors';
import type { EngineTelemetry, ObservedRun, RunObservation } from '../../engine/ports/telemetry';
import { noTelemetry } from '../../engine/ports/telemetry';
import { parseTraceParent } from '../../engine/trace-parent';
import { WORKFLOW_ATTRIBUTES as A, WORKFLOW_SPAN_EVENTS as E } from './span-attributes';

/**
 * Traces of the engine's work through `@opentelemetry/api`, to whatever tracer provider is
 * registered (none: every call is a no-op). One span per claim of a run (`run <workflow>`): a
 * span must end in the process that started it, and a run may be claimed by many processes over
 * days. Every claim's span is a child of the traceparent stored with the instance, so all of
 * them, and every step attempt (`step <name>`, a child of its claim), share the creator's trace.
 */
export function tracingTelemetry(tracer: Tracer): EngineTelemetry {
  return { ...noTelemetry, runClaimed: (run) => observeClaim(tracer, run) };
}

function observeClaim(tracer: Tracer, run: ObservedRun): RunObservation {
  const runAttributes = { [A.workflowName]: run.workflowName, [A.instanceId]: run.instanceId, [A.runNumber]: run.runNumber };
  const span = tracer.startSpan(
    `run ${run.workflowName}`,
    // Consumer: the run was taken from a queue, after the request that created it had its answer.
    { kind: SpanKind.CONSUMER, attributes: { ...runAttributes, [A.firstClaim]: run.firstClaim } },
    creatorContext(run.traceParent),
  );
  const claimContext = trace.setSpan(ROOT_CONTEXT, span);
  return {
    stepAttempt(step) {
      const attempt = tracer.startSpan(
        `step ${step.name}`,
        { kind: SpanKind.INTERNAL, attributes: { ...runAttributes, [A.stepName]: step.name, [A.stepType]: step.type, [A.attempt]: step.attempt } },
        claimContext,
      );
      const attemptContext = trace.setSpan(claimContext, attempt);
      return {
        // Spans the step's own code starts (a database client's, an HTTP call's) nest under the attempt.
        run: (code) => context.with(attemptContext, code),
        ended(result) {
          if (!result.ok) {
            markFailed(attempt, result.error);
            if (result.retryAt !== null) attempt.addEvent(E.retryScheduled, { [A.retryAt]: new Date(result.retryAt).toISOString() });
          }
          attempt.end();
        },
      };
    },
    eventDelivered(event) {
      span.addEvent(E.eventDelivered, { [A.eventType]: event.type, [A.eventWaitedMs]: event.waitedMs });
    },
    workflowLog() {},
    ended(end) {
      span.setAttribute(A.claimOutcome, end.outcome);
      if (end.outcome === 'errored') markFailed(span, end.error);
      span.end();
    },
  };
}

/**
 * The stored traceparent as a remote parent; without one (or with one this version cannot read),
 * a new trace: never whatever context happens to be active where the runner claims.
 */
function creatorContext(traceParent: string | null): Context {
  const parent = parseTraceParent(traceParent);
  if (!parent) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.flags, isRemote: true });
}

function markFailed(span: Span, error: ErrorInfo): void {
  span.recordException({ name: error.name, message: error.message });
  span.setAttribute(ATTR_ERROR_TYPE, error.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.name}: ${error.message}` });
}
