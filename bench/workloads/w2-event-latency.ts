import { freshDatabase } from '../support/postgres';
import { type Service, type ServiceProcess, startInProcessService, startServiceProcess } from '../support/service';
import { percentile, round } from '../support/stats';

const WORKFLOW = 'bench-wait-event';

export interface LatencyResult {
  label: string;
  instances: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

/**
 * W2: N instances wait on `waitForEvent`; then, one at a time, each gets its event and we time
 * the send until the instance is complete (polled every millisecond on the runner's own store).
 * `viaOtherProcess`: the event goes over HTTP to a separate API-only process, so the runner
 * hears of it through LISTEN/NOTIFY.
 */
export async function runEventLatency(options: { label: string; instances: number; viaOtherProcess: boolean }): Promise<LatencyResult> {
  const url = await freshDatabase('bench_w2');
  const service = await startInProcessService({ url });
  let apiOnly: ServiceProcess | undefined;
  try {
    if (options.viaOtherProcess) apiOnly = await startServiceProcess(url, { RUNNER_ENABLED: 'false' });
    const ids = Array.from({ length: options.instances }, (_, i) => `w2-${i}`);
    for (let i = 0; i < ids.length; i += 100) {
      await service.client.createBatch(WORKFLOW, ids.slice(i, i + 100).map((id) => ({ id })));
    }
    await untilAllWaiting(service, ids.length);

    const latencies: number[] = [];
    for (const id of ids) {
      const started = performance.now();
      if (apiOnly) {
        const response = await fetch(`${apiOnly.baseUrl}/workflows/${WORKFLOW}/instances/${id}/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'go', payload: { id } }),
        });
        if (response.status !== 200) throw new Error(`event answered ${response.status}`);
      } else {
        await service.client.sendEvent(WORKFLOW, id, { type: 'go', payload: { id } });
      }
      await untilComplete(service, id);
      latencies.push(performance.now() - started);
    }
    return {
      label: options.label,
      instances: options.instances,
      p50Ms: round(percentile(latencies, 50), 2),
      p95Ms: round(percentile(latencies, 95), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      meanMs: round(latencies.reduce((a, b) => a + b, 0) / latencies.length, 2),
    };
  } finally {
    await apiOnly?.stop();
    await service.close();
  }
}

async function untilAllWaiting(service: Service, count: number): Promise<void> {
  for (;;) {
    const [row] = await service.query(`SELECT count(*) AS n FROM workflow_instance WHERE workflow_name = $1 AND status = 'waiting'`, [WORKFLOW]);
    if (Number(row.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function untilComplete(service: Service, id: string): Promise<void> {
  for (;;) {
    const [row] = await service.query(`SELECT status FROM workflow_instance WHERE workflow_name = $1 AND instance_id = $2`, [WORKFLOW, id]);
    if (row?.status === 'complete') return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}
