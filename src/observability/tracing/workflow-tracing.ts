import { type Provider } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import type { EngineTelemetry } from '../../engine/ports/telemetry';
import type { ResolvedWorkflowsOptions } from '../../workflows-module-options';
import { activeTraceParent } from './active-trace-parent';
import { OtlpTracingSdk } from './otlp-tracing-sdk';
import { tracingTelemetry } from './tracing-telemetry';

export const WORKFLOW_TRACING = Symbol('WORKFLOW_TRACING');

/** Tracing as the module's parts see it: the engine's telemetry and where new instances' traces come from. */
export interface WorkflowTracing {
  /** The engine's spans; null when tracing is off. */
  telemetry: EngineTelemetry | null;
  /** The span active where `create` is called, as a traceparent (the engine's `currentTraceParent`). */
  currentTraceParent(): string | null;
  /**
   * The trace a create request's instances join: the active span, which a host's HTTP
   * instrumentation made a child of the request's `traceparent` header; else that header (the
   * standalone server instruments no HTTP). The engine ignores an invalid one.
   */
  requestTraceParent(header: string | undefined): string | null;
}

const TRACER_NAME = 'durable-workflows';

const tracingOff: WorkflowTracing = { telemetry: null, currentTraceParent: () => null, requestTraceParent: () => null };

function tracingOn(): WorkflowTracing {
  return {
    // The API's proxy tracer: it follows whichever provider is registered, now or later.
    telemetry: tracingTelemetry(trace.getTracer(TRACER_NAME)),
    currentTraceParent: activeTraceParent,
    requestTraceParent: (header) => activeTraceParent() ?? header ?? null,
  };
}

/** Tracing's providers: off with `tracing: false`; with `tracing.otlp`, an SDK of this process's own too. */
export function tracingProviders(options: ResolvedWorkflowsOptions): Provider[] {
  const tracing = options.tracing;
  return [
    { provide: WORKFLOW_TRACING, useValue: tracing === false ? tracingOff : tracingOn() },
    ...(tracing !== false && tracing.otlp ? [OtlpTracingSdk] : []),
  ];
}
