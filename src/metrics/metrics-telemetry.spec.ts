import { Registry } from 'prom-client';
import { metricsTelemetry } from './metrics-telemetry';
import { WorkflowMetrics } from './workflow-metrics';

describe('metricsTelemetry', () => {
  it('counts the instances retention purged, by workflow', async () => {
    const metrics = new WorkflowMetrics(new Registry());
    const telemetry = metricsTelemetry(metrics);
    telemetry.instancesPurged({ workflowName: 'orders', count: 500 });
    telemetry.instancesPurged({ workflowName: 'orders', count: 120 });
    telemetry.instancesPurged({ workflowName: 'audit', count: 3 });
    const text = await metrics.registry.getSingleMetricAsString('workflows_instances_purged_total');
    expect(text).toContain('workflows_instances_purged_total{workflow="orders"} 620');
    expect(text).toContain('workflows_instances_purged_total{workflow="audit"} 3');
  });
});
