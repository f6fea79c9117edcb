import { createEngine } from '../../src/engine/create-engine';
import { noTelemetry } from '../../src/engine/ports/telemetry';
import { openWorkflowStore } from '../../src/persistence/open-workflow-store';
import { RETENTION_SCHEDULE_DEFAULTS } from '../../src/workflows-module-options';
import { databaseUrl, dropDatabase, freshDatabase, withClient } from '../support/postgres';
import { BENCH_WORKFLOW_DEFINITIONS, startInProcessService } from '../support/service';
import { median, round } from '../support/stats';
import { runThroughput } from './w1-throughput';

const NAME = 'bench_w1purge';
/** The workflow W1 runs: the old instances are its own, as a real purge would find them. */
const WORKFLOW = 'bench-three-steps';
const STEPS_PER_INSTANCE = 3;
const LOGS_PER_INSTANCE = 2;
const PERIOD = '30 days';

export interface PurgeResult {
  label: string;
  instances: number;
  loadSeconds: number;
  /** The plan of the purge's batch query on the loaded database. */
  batchPlan: string;
  aloneRuns: number[];
  withPurgeRuns: number[];
  aloneMedian: number;
  withPurgeMedian: number;
  /** With the purge ÷ alone. */
  ratio: number;
  /** Instances the purge deleted while each W1 run of the "with" series ran. */
  purgedDuringRuns: number[];
  purgeSeconds: number;
  purgedPerSecond: number;
}

/**
 * A purge the benchmark can hold between two batches (no transaction open then): W1 "alone" runs
 * while it is held, W1 "with the purge" while it flows, alternately, so both series meet the same
 * database and the same neighbours on the machine.
 */
class PausablePurge {
  purged = 0;
  done = false;
  private held: Promise<void> | undefined;
  private release = () => {};
  readonly finished: Promise<number>;

  constructor(purgeExpired: (control: { betweenBatches: () => Promise<void> }) => Promise<Map<string, number>>) {
    this.hold();
    const pause = () => new Promise((resolve) => setTimeout(resolve, RETENTION_SCHEDULE_DEFAULTS.pauseBetweenBatchesMs));
    this.finished = (async () => {
      const round = await purgeExpired({
        betweenBatches: async () => {
          await this.held;
          await pause();
        },
      });
      this.done = true;
      return [...round.values()].reduce((a, b) => a + b, 0);
    })();
  }

  hold(): void {
    this.held ??= new Promise<void>((resolve) => (this.release = resolve));
  }

  flow(): void {
    this.release();
    this.held = undefined;
  }
}

/**
 * W1 with a retention purge of `instances` old finished instances (steps and logs each, loaded
 * with set-based SQL) running in the same process, as the runner process runs it; against W1
 * alone on the same database, alternately, `pairs` times each.
 */
export async function runPurgeImpact(options: { instances: number; pairs?: number }): Promise<PurgeResult> {
  const pairs = options.pairs ?? 5;
  const url = await freshDatabase(NAME);
  // The service applies the migrations; the bulk load goes in underneath.
  await (await startInProcessService({ url, runner: false })).close();
  const loadStarted = performance.now();
  await bulkLoadFinished(options.instances);
  const loadSeconds = round((performance.now() - loadStarted) / 1000, 1);
  const batchPlan = await explainBatch();

  const store = await openWorkflowStore({ url: databaseUrl(NAME), poolSize: 2 });
  let counted = 0;
  const engine = createEngine({
    store,
    workflows: BENCH_WORKFLOW_DEFINITIONS,
    retention: { period: PERIOD },
    // The purge tells telemetry of every batch: how the benchmark sees it advance.
    telemetry: { ...noTelemetry, instancesPurged: ({ count }) => void (counted += count) },
  });
  const purge = new PausablePurge((control) => engine.retention.purgeExpired(control));
  const purgeStarted = performance.now();
  const alone: number[] = [];
  const withPurge: number[] = [];
  const purgedDuringRuns: number[] = [];
  try {
    for (let pair = 0; pair < pairs; pair++) {
      purge.hold();
      alone.push((await runThroughput({ label: 'W1 alone', database: 'postgres', instances: 2000, databaseName: NAME })).workflowsPerSecond);
      purge.flow();
      const before = counted;
      withPurge.push((await runThroughput({ label: 'W1 with the purge', database: 'postgres', instances: 2000, databaseName: NAME })).workflowsPerSecond);
      purgedDuringRuns.push(counted - before);
      if (purge.done) throw new Error(`The purge finished during W1 run ${pair + 1}: load more instances (BENCH_PURGE_INSTANCES) for a fair comparison`);
    }
    purge.flow();
    const total = await purge.finished;
    const purgeSeconds = round((performance.now() - purgeStarted) / 1000, 1);
    const left = await withClient(databaseUrl(NAME), async (client) => (await client.query(`SELECT count(*)::int AS n FROM workflow_instance WHERE instance_id LIKE 'old-%'`)).rows[0].n);
    if (total !== options.instances || left !== 0) throw new Error(`The purge deleted ${total} of ${options.instances}; ${left} left`);
    const aloneMedian = median(alone);
    const withPurgeMedian = median(withPurge);
    return {
      label: 'W1 while purging',
      instances: options.instances,
      loadSeconds,
      batchPlan,
      aloneRuns: alone,
      withPurgeRuns: withPurge,
      aloneMedian,
      withPurgeMedian,
      ratio: round(withPurgeMedian / aloneMedian, 3),
      purgedDuringRuns,
      purgeSeconds,
      purgedPerSecond: Math.round(total / purgeSeconds),
    };
  } finally {
    purge.flow();
    await purge.finished.catch(() => undefined);
    await store.close();
    await dropDatabase(NAME);
  }
}

/** `instances` instances of W1's workflow that finished 60 days ago or more, each with steps and log lines. */
async function bulkLoadFinished(instances: number): Promise<void> {
  await withClient(databaseUrl(NAME), async (client) => {
    await client.query('SET synchronous_commit = off');
    const at = `LATERAL (SELECT now() - interval '90 days' + g * interval '2 milliseconds' AS t) at`;
    await client.query(
      `INSERT INTO workflow_instance (workflow_name, instance_id, run_number, status, params, output, error_name, error_message,
         created_at, updated_at, started_at, completed_at)
       SELECT $1, 'old-' || g, 0, CASE WHEN g % 50 = 0 THEN 'errored' ELSE 'complete' END, '{}',
         CASE WHEN g % 50 = 0 THEN NULL ELSE '{"i":3}' END, CASE WHEN g % 50 = 0 THEN 'Error' END, CASE WHEN g % 50 = 0 THEN 'boom' END,
         t, t, t, t
       FROM generate_series(1, $2::int) g, ${at}`,
      [WORKFLOW, instances],
    );
    await client.query(
      `INSERT INTO workflow_step (workflow_name, instance_id, run_number, name, id, seq, type, status, attempts, max_attempts,
         timeout_ms, result, created_at, updated_at)
       SELECT $1, 'old-' || g, 0, 'step-' || s, g || '-' || s, s, 'do', 'completed', 1, 6, 600000, '{"i":1}', t, t
       FROM generate_series(1, $2::int) g, generate_series(1, $3::int) s, ${at}`,
      [WORKFLOW, instances, STEPS_PER_INSTANCE],
    );
    await client.query(
      `INSERT INTO workflow_log (workflow_name, instance_id, run_number, step_name, attempt, level, category, message, data, is_replay, created_at)
       SELECT $1, 'old-' || g, 0, NULL, NULL, 'info', 'system', 'Run 0 line ' || s, NULL, false, t
       FROM generate_series(1, $2::int) g, generate_series(1, $3::int) s, ${at}`,
      [WORKFLOW, instances, LOGS_PER_INSTANCE],
    );
    for (const table of ['workflow_instance', 'workflow_step', 'workflow_log']) await client.query(`VACUUM ANALYZE ${table}`);
    await client.query('CHECKPOINT');
  });
}

/** How PostgreSQL runs a purge batch's query on the loaded database (its first line names the index). */
async function explainBatch(): Promise<string> {
  return withClient(databaseUrl(NAME), async (client) => {
    const { rows } = await client.query(
      `EXPLAIN SELECT instance_id FROM workflow_instance
       WHERE workflow_name = $1 AND completed_at < now() - interval '${PERIOD}' AND status = ANY($2::varchar[])
       ORDER BY completed_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
      [WORKFLOW, ['complete', 'errored', 'terminated']],
    );
    return rows.map((row: { 'QUERY PLAN': string }) => row['QUERY PLAN'].trim()).join(' | ');
  });
}
