import { readFileSync } from 'node:fs';
import { freshDatabase, withClient } from '../support/postgres';
import { inParallel, startServiceProcess } from '../support/service';

export interface MemoryResult {
  idleMb: number;
  afterW1Mb: number;
  waiting: number;
  withWaitingMb: number;
}

const rssMb = (pid: number) => {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return Math.round(kb / 1024);
};

/**
 * RSS of a separate service process: idle, after W1 (2,000 three-step instances) and with
 * `waiting` instances suspended on `waitForEvent`, all created over HTTP and advanced by it.
 */
export async function runMemory(options: { waiting: number }): Promise<MemoryResult> {
  const url = await freshDatabase('bench_mem');
  const service = await startServiceProcess(url);
  try {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const idleMb = rssMb(service.pid);

    await createOverHttp(service.baseUrl, 'bench-three-steps', 'w1', 2000);
    await untilCount(url, `SELECT count(*) AS n FROM workflow_instance WHERE status = 'complete'`, 2000);
    const afterW1Mb = rssMb(service.pid);

    await createOverHttp(service.baseUrl, 'bench-wait-event', 'wait', options.waiting);
    await untilCount(url, `SELECT count(*) AS n FROM workflow_instance WHERE status = 'waiting'`, options.waiting);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    return { idleMb, afterW1Mb, waiting: options.waiting, withWaitingMb: rssMb(service.pid) };
  } finally {
    await service.stop();
  }
}

async function createOverHttp(baseUrl: string, workflow: string, prefix: string, count: number): Promise<void> {
  const batches = Array.from({ length: Math.ceil(count / 100) }, (_, b) =>
    Array.from({ length: Math.min(100, count - b * 100) }, (_, i) => ({ id: `${prefix}-${b * 100 + i}` })),
  );
  await inParallel(batches, 4, async (instances) => {
    const response = await fetch(`${baseUrl}/workflows/${workflow}/instances/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances }),
    });
    if (response.status !== 201) throw new Error(`batch answered ${response.status}`);
  });
}

async function untilCount(url: string, sql: string, count: number): Promise<void> {
  await withClient(url, async (client) => {
    while (Number((await client.query(sql)).rows[0].n) < count) await new Promise((resolve) => setTimeout(resolve, 1_000));
  });
}
