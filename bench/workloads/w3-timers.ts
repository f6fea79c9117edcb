import { freshDatabase } from '../support/postgres';
import { startInProcessService, waitUntilFinished } from '../support/service';
import { percentile, round } from '../support/stats';

const WORKFLOW = 'bench-sleep';

export interface TimerResult {
  label: string;
  instances: number;
  p50LatenessMs: number;
  p99LatenessMs: number;
  maxLatenessMs: number;
}

/**
 * W3: N instances started together each sleep 1 s; lateness is when the step after the sleep ran,
 * minus (when the step before it ran + 1000 ms) — the same measure as the DBOS peer's.
 */
export async function runTimerAccuracy(options: { label: string; instances: number }): Promise<TimerResult> {
  const url = await freshDatabase('bench_w3');
  const service = await startInProcessService({ url });
  try {
    const ids = Array.from({ length: options.instances }, (_, i) => `w3-${i}`);
    for (let i = 0; i < ids.length; i += 100) {
      await service.client.createBatch(WORKFLOW, ids.slice(i, i + 100).map((id) => ({ id })));
    }
    await waitUntilFinished(service, WORKFLOW, 50, 60_000);
    const lateness: number[] = [];
    for (const id of ids) {
      const { details } = await service.client.get(WORKFLOW, id);
      const { began, woke } = details.output as { began: number; woke: number };
      lateness.push(woke - (began + 1000));
    }
    return {
      label: options.label,
      instances: options.instances,
      p50LatenessMs: round(percentile(lateness, 50), 1),
      p99LatenessMs: round(percentile(lateness, 99), 1),
      maxLatenessMs: round(Math.max(...lateness), 1),
    };
  } finally {
    await service.close();
  }
}
