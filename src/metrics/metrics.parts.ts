import type { Provider, Type } from '@nestjs/common';
import { METRICS_TELEMETRY } from '../core/tokens';
import type { ResolvedWorkflowsOptions } from '../workflows-module-options';
import { MetricsController } from './metrics.controller';
import { metricsTelemetry } from './metrics-telemetry';
import { StateGauges } from './state-gauges.service';
import { WorkflowMetrics } from './workflow-metrics';

/** `GET /metrics`, the engine's telemetry into it and the background gauges; nothing when `metrics: false`. */
export function metricsParts(options: ResolvedWorkflowsOptions): { controllers: Type[]; providers: Provider[] } {
  if (!options.metrics) return { controllers: [], providers: [] };
  const { registry } = options.metrics;
  return {
    controllers: [MetricsController],
    providers: [
      { provide: WorkflowMetrics, useFactory: () => new WorkflowMetrics(registry) },
      { provide: METRICS_TELEMETRY, inject: [WorkflowMetrics], useFactory: metricsTelemetry },
      StateGauges,
    ],
  };
}
