import { freshDatabase } from '../support/postgres';
import { startInProcessService, waitUntilFinished } from '../support/service';
import { round } from '../support/stats';

const PARENT = 'bench-fan-out';
const CHILD = 'bench-fan-child';

export interface FanOutResult {
  label: string;
  children: number;
  /** From the parent's creation to its completion. */
  totalSeconds: number;
  /** From the last child's completion to the parent's (both as stored). */
  lastChildToParentMs: number;
}

/**
 * W6: one parent starts N children (`step.startWorkflow`) and waits for all of them
 * (`step.waitForWorkflow`); each child's end wakes the parent. The figure that matters is the
 * time from the last child completing to the parent completing.
 */
export async function runFanOut(options: { label: string; children: number }): Promise<FanOutResult> {
  const url = await freshDatabase('bench_w6');
  const service = await startInProcessService({ url });
  try {
    const started = Date.now();
    await service.client.create(PARENT, { id: 'fan', params: { children: options.children } });
    await waitUntilFinished(service, PARENT, 20, 600_000);
    const totalSeconds = (Date.now() - started) / 1000;
    const parent = await service.client.get(PARENT, 'fan');
    if (parent.details.status !== 'complete' || parent.details.output !== options.children) {
      throw new Error(`The parent ended ${JSON.stringify(parent.details)}`);
    }
    const [last] = await service.query(
      `SELECT (EXTRACT(EPOCH FROM max(completed_at)) * 1000)::float8 AS at, count(*) AS n FROM workflow_instance WHERE workflow_name = $1`,
      [CHILD],
    );
    const lastChildAt = Number(last.at);
    return {
      label: options.label,
      children: Number(last.n),
      totalSeconds: round(totalSeconds, 2),
      lastChildToParentMs: round(Date.parse(parent.meta.completedAt!) - lastChildAt, 1),
    };
  } finally {
    await service.close();
  }
}
