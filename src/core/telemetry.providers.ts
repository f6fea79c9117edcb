import { Logger, type Provider, type Type } from '@nestjs/common';
import { type EngineTelemetry, fanOutTelemetry } from '../engine/ports/telemetry';
import { LogTelemetry } from '../observability/logs/log-telemetry';
import { WORKFLOW_TRACING, type WorkflowTracing } from '../observability/tracing/workflow-tracing';
import type { ResolvedWorkflowsOptions } from '../workflows-module-options';

/** The engine's telemetry: every part below, fanned out (ENGINE_TELEMETRY). */
export const ENGINE_TELEMETRY = Symbol('ENGINE_TELEMETRY');

/**
 * The telemetry parts the module runs: each a Nest provider implementing EngineTelemetry. Add a
 * part here (behind its module option when it can be turned off).
 */
function telemetryParts(_options: ResolvedWorkflowsOptions): Type<EngineTelemetry>[] {
  return [LogTelemetry];
}

export function telemetryProviders(options: ResolvedWorkflowsOptions): Provider[] {
  const parts = telemetryParts(options);
  const logger = new Logger('WorkflowsTelemetry');
  return [
    ...parts,
    {
      provide: ENGINE_TELEMETRY,
      // Tracing comes as a value (null when off); the other parts as classes.
      inject: [WORKFLOW_TRACING, ...parts],
      useFactory: (tracing: WorkflowTracing, ...observers: EngineTelemetry[]) =>
        fanOutTelemetry([...observers, ...(tracing.telemetry ? [tracing.telemetry] : [])], (error) =>
          // An observer's bug is logged (the fan-out skips it) and never reaches a run.
          logger.warn({ msg: `A telemetry observer failed: ${(error as Error)?.message ?? String(error)}` }),
        ),
    },
  ];
}
