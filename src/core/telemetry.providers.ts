import { Logger, type Provider } from '@nestjs/common';
import { type EngineTelemetry, fanOutTelemetry } from '../engine/ports/telemetry';
import { LogTelemetry } from '../observability/logs/log-telemetry';
import { WORKFLOW_TRACING, type WorkflowTracing } from '../observability/tracing/workflow-tracing';
import { ENGINE_TELEMETRY, LOG_TELEMETRY, METRICS_TELEMETRY, TRACING_TELEMETRY } from './tokens';

/**
 * The telemetry parts of the module's features (logs, metrics, traces), each provided under its
 * token only while that feature is on. A new part adds its token here, and nothing else changes.
 */
const TELEMETRY_PARTS: symbol[] = [LOG_TELEMETRY, METRICS_TELEMETRY, TRACING_TELEMETRY];

/** The parts that are always there (logs) or come from a value (tracing, null while off). */
const builtInParts: Provider[] = [
  { provide: LOG_TELEMETRY, useClass: LogTelemetry },
  { provide: TRACING_TELEMETRY, inject: [WORKFLOW_TRACING], useFactory: (tracing: WorkflowTracing) => tracing.telemetry },
];

/** The engine hears every part that is on; a part that throws is reported and skipped. */
const engineTelemetryProvider: Provider = {
  provide: ENGINE_TELEMETRY,
  inject: TELEMETRY_PARTS.map((token) => ({ token, optional: true })),
  useFactory: (...parts: (EngineTelemetry | null | undefined)[]): EngineTelemetry => {
    const logger = new Logger('WorkflowsTelemetry');
    return fanOutTelemetry(
      parts.filter((part): part is EngineTelemetry => part != null),
      (error) => logger.warn({ msg: `A telemetry observer failed: ${(error as Error)?.message ?? String(error)}` }),
    );
  },
};

export const telemetryProviders: Provider[] = [...builtInParts, engineTelemetryProvider];
