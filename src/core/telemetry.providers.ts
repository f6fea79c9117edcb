import { Logger, type Provider } from '@nestjs/common';
import { type EngineTelemetry, fanOutTelemetry } from '../engine/ports/telemetry';
import { ENGINE_TELEMETRY, METRICS_TELEMETRY } from './tokens';

/**
 * The telemetry parts of the module's features (metrics, logs, traces), each provided under its
 * token only while that feature is on. A new part adds its token here, and nothing else changes.
 */
const TELEMETRY_PARTS: symbol[] = [METRICS_TELEMETRY];

/** The engine hears every part that is on; a part that throws is reported and skipped. */
export const engineTelemetryProvider: Provider = {
  provide: ENGINE_TELEMETRY,
  inject: TELEMETRY_PARTS.map((token) => ({ token, optional: true })),
  useFactory: (...parts: (EngineTelemetry | undefined)[]): EngineTelemetry => {
    const logger = new Logger('WorkflowsTelemetry');
    return fanOutTelemetry(
      parts.filter((part): part is EngineTelemetry => part !== undefined),
      (error) => logger.warn(`A telemetry observer failed: ${(error as Error)?.message ?? String(error)}`),
    );
  },
};
