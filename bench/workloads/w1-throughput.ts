import { databaseCounters, databaseUrl, difference, freshDatabase, settleStatistics } from '../support/postgres';
import { countComplete, inParallel, type Service, startInProcessService, startServiceProcess, waitUntilFinished } from '../support/service';
import { round } from '../support/stats';

const WORKFLOW = 'bench-three-steps';

/** Runs W1 `times` times and keeps the run with the median workflows/s (its other figures too). */
export async function medianThroughput(times: number, options: Parameters<typeof runThroughput>[0]): Promise<ThroughputResult> {
  const runs: ThroughputResult[] = [];
  for (let i = 0; i < times; i++) runs.push(await runThroughput(options));
  runs.sort((a, b) => a.workflowsPerSecond - b.workflowsPerSecond);
  return { ...runs[Math.floor(runs.length / 2)], runs: runs.map((run) => run.workflowsPerSecond) };
}

export interface ThroughputResult {
  label: string;
  instances: number;
  seconds: number;
  workflowsPerSecond: number;
  stepsPerSecond: number;
  commitsPerWorkflow?: number;
  rowsPerWorkflow?: number;
  walBytesPerWorkflow?: number;
  cpuSecondsPer1000?: number;
  /** Every repetition's workflows/s, when the figure is a median. */
  runs?: number[];
}

export type CreateMode = 'client' | 'http-single' | 'http-batch';

/** Creates `ids` through the chosen door, as fast as it takes them. */
async function createAll(service: Service, ids: string[], mode: CreateMode): Promise<void> {
  if (mode === 'client') {
    await inParallel(ids, 64, (id) => service.client.create(WORKFLOW, { id }));
  } else if (mode === 'http-single') {
    await inParallel(ids, 64, (id) => post(`${service.baseUrl}/workflows/${WORKFLOW}/instances`, { id }));
  } else {
    const batches = Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100));
    await inParallel(batches, 8, (batch) => post(`${service.baseUrl}/workflows/${WORKFLOW}/instances/batch`, { instances: batch.map((id) => ({ id })) }));
  }
}

async function post(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
}

/**
 * W1: N three-step instances created as fast as possible, timed from the first create to the last
 * completion, on one in-process service (plus `extraProcesses` separate ones on the same database).
 */
export async function runThroughput(options: {
  label: string;
  database: 'postgres' | 'sqlite';
  instances: number;
  mode?: CreateMode;
  extraProcesses?: number;
  /** Reuse this database (W4 runs W1 on a loaded one). */
  databaseName?: string;
}): Promise<ThroughputResult> {
  const name = options.databaseName ?? 'bench_w1';
  const url =
    options.database === 'postgres'
      ? options.databaseName
        ? databaseUrl(name)
        : await freshDatabase(name)
      : `sqlite:${process.cwd()}/data/bench-w1-${process.pid}-${Date.now()}.sqlite`;
  const service = await startInProcessService({ url });
  const others = await Promise.all(Array.from({ length: options.extraProcesses ?? 0 }, () => startServiceProcess(url)));
  try {
    const prefix = `${options.label.replace(/\W+/g, '-')}-${Date.now()}`;
    // Warm-up: JIT, connection pools, statement caches.
    await createAll(service, Array.from({ length: 50 }, (_, i) => `${prefix}-warm-${i}`), 'client');
    await waitUntilFinished(service, WORKFLOW);
    // Start from a quiet server: no checkpoint left over from whatever ran before.
    if (options.database === 'postgres') await service.query('CHECKPOINT');

    const ids = Array.from({ length: options.instances }, (_, i) => `${prefix}-${i}`);
    const counters = options.database === 'postgres' ? await databaseCounters(name) : undefined;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await createAll(service, ids, options.mode ?? 'client');
    const polls = await waitUntilFinished(service, WORKFLOW);
    const seconds = (performance.now() - started) / 1000;
    const cpuUsed = process.cpuUsage(cpu);
    const result: ThroughputResult = {
      label: options.label,
      instances: options.instances,
      seconds: round(seconds, 2),
      workflowsPerSecond: round(options.instances / seconds),
      stepsPerSecond: round((3 * options.instances) / seconds),
    };
    if (counters && !options.extraProcesses) {
      await settleStatistics();
      const spent = difference(await databaseCounters(name), counters);
      // Each completion poll was one transaction of its own; it is the benchmark's, not the engine's.
      result.commitsPerWorkflow = round((spent.commits - polls) / options.instances, 2);
      result.rowsPerWorkflow = round(spent.rowsWritten / options.instances, 2);
      result.walBytesPerWorkflow = Math.round(spent.walBytes / options.instances);
      result.cpuSecondsPer1000 = round(((cpuUsed.user + cpuUsed.system) / 1e6 / options.instances) * 1000, 2);
    }
    const completed = await countComplete(service, WORKFLOW, `${prefix}-`);
    if (completed !== options.instances + 50) throw new Error(`only ${completed} of ${options.instances + 50} instances completed`);
    return result;
  } finally {
    await Promise.all(others.map((other) => other.stop()));
    await service.close();
  }
}
