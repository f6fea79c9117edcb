import { Logger, type Provider, type Type } from '@nestjs/common';
import { type EngineTelemetry, fanOutTelemetry } from '../engine/ports/telemetry';
import { LogTelemetry } from '../observability/logs/log-telemetry';
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
      inject: parts,
      useFactory: (...observers: EngineTelemetry[]) =>
        fanOutTelemetry(observers, (error) => logger.warn({ msg: `A telemetry observer failed: ${(error as Error)?.message ?? String(error)}` })),
    },
  ];
}
