import { OperationalQueries } from '../../src/persistence/operational-queries';
import { PostgresConnection } from '../../src/persistence/postgres/postgres-connection';
import { databaseUrl, dropDatabase, freshDatabase, withClient } from '../support/postgres';
import { startInProcessService } from '../support/service';
import { percentile, round } from '../support/stats';

const WORKFLOWS = ['bench-orders', 'bench-payments', 'bench-emails'];

export interface MetricsScrapeResult {
  instances: number;
  queuedRuns: number;
  loadSeconds: number;
  scrape: { p50Ms: number; p99Ms: number; maxMs: number; bytes: number };
  refreshQueries: { query: string; p50Ms: number; maxMs: number }[];
}

/**
 * W5: what `GET /metrics` costs on a database of `instances` instances (3 workflows; 2% errored,
 * 10% waiting on a timer, 1% queued and due, the rest complete), bulk-loaded with SQL: the scrape
 * over HTTP (it formats the last background refresh), and the two grouped queries that refresh
 * the gauges in the background.
 */
export async function runMetricsScrape(options: { instances: number; samples?: number }): Promise<MetricsScrapeResult> {
  const name = 'bench_w5';
  const url = await freshDatabase(name);
  const service = await startInProcessService({ url, runner: false });
  const origin = new URL(service.baseUrl).origin;
  const connection = new PostgresConnection({ url, poolSize: 2 });
  try {
    const loadStarted = performance.now();
    const queuedRuns = await bulkLoad(name, options.instances);
    const loadSeconds = round((performance.now() - loadStarted) / 1000, 1);
    const loadedAt = Date.now() / 1000;
    // The gauges refresh every 15 s: wait for one that read the loaded tables.
    for (;;) {
      const text = await (await fetch(`${origin}/metrics`)).text();
      const refreshed = Number(/^workflows_state_refreshed_timestamp_seconds (\S+)$/m.exec(text)?.[1] ?? 0);
      if (refreshed > loadedAt) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const samples = options.samples ?? 500;
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      const response = await fetch(`${origin}/metrics`);
      bytes = (await response.arrayBuffer()).byteLength;
      latencies.push(performance.now() - started);
    }
    const queries = new OperationalQueries(connection);
    const refreshQueries: MetricsScrapeResult['refreshQueries'] = [];
    for (const [query, read] of [
      ['instances by workflow and status (GROUP BY)', () => queries.instanceCounts()],
      ['due runs and oldest due time by workflow', () => queries.dueRuns(Date.now())],
    ] as const) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        await read();
        times.push(performance.now() - started);
      }
      refreshQueries.push({ query, p50Ms: round(percentile(times, 50), 1), maxMs: round(Math.max(...times), 1) });
    }
    const scrape = { p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2), maxMs: round(Math.max(...latencies), 2), bytes };
    return { instances: options.instances, queuedRuns, loadSeconds, scrape, refreshQueries };
  } finally {
    await connection.close();
    await service.close();
    await dropDatabase(name);
  }
}

/** Loads the instances and their queue rows; returns how many runs are due. */
async function bulkLoad(name: string, instances: number): Promise<number> {
  return withClient(databaseUrl(name), async (client) => {
    await client.query('SET synchronous_commit = off');
    const status = `CASE WHEN g % 100 = 0 THEN 'queued' WHEN g % 50 = 0 THEN 'errored' WHEN g % 10 = 0 THEN 'waiting' ELSE 'complete' END`;
    await client.query(
      `INSERT INTO workflow_instance (workflow_name, instance_id, run_number, status, params, created_at, updated_at, started_at, completed_at)
       SELECT ($1::text[])[1 + g % 3], 'bulk-' || g, 0, ${status}, '{}', t, t, t, CASE WHEN g % 10 = 0 THEN NULL ELSE t END
       FROM generate_series(1, $2::int) g, LATERAL (SELECT now() - interval '30 days' + g * interval '2 milliseconds' AS t) at`,
      [WORKFLOWS, instances],
    );
    // Waiting runs wake in the next day; queued ones have been due for up to a minute.
    await client.query(
      `INSERT INTO workflow_task (workflow_name, instance_id, run_number, kind, due_at, pause_requested)
       SELECT workflow_name, instance_id, 0, CASE WHEN status = 'queued' THEN 1 ELSE 0 END,
         CASE WHEN status = 'queued' THEN now() - random() * interval '1 minute' ELSE now() + random() * interval '1 day' END, false
       FROM workflow_instance WHERE status IN ('queued', 'waiting')`,
    );
    await client.query('VACUUM ANALYZE workflow_instance');
    await client.query('VACUUM ANALYZE workflow_task');
    await client.query('CHECKPOINT');
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM workflow_task WHERE due_at <= now()`);
    return rows[0].n as number;
  });
}
