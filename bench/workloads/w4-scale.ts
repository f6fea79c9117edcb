import { CursorCodec } from '../../src/engine/cursors';
import { listCursorScope } from '../../src/engine/queries/instance-queries';
import { databaseUrl, dropDatabase, freshDatabase, withClient } from '../support/postgres';
import { startInProcessService } from '../support/service';
import { percentile, round } from '../support/stats';
import { medianThroughput, type ThroughputResult } from './w1-throughput';

const WORKFLOW = 'bench-three-steps';
const STEPS_PER_INSTANCE = 10;

export interface ScaleResult {
  label: string;
  instances: number;
  steps: number;
  loadSeconds: number;
  queries: { query: string; p50Ms: number; p99Ms: number }[];
  throughput: ThroughputResult;
}

/**
 * W4: `instances` finished instances with `STEPS_PER_INSTANCE` step rows each, bulk-loaded with
 * SQL; then the latency of list (first page, a deep page, a status filter) and history over HTTP,
 * and W1 again on the loaded database.
 */
export async function runScale(options: { instances: number; samples?: number }): Promise<ScaleResult> {
  const name = 'bench_w4';
  const url = await freshDatabase(name);
  // The service applies the migrations; then the bulk load goes in underneath it.
  const service = await startInProcessService({ url });
  const loadStarted = performance.now();
  await bulkLoad(name, options.instances);
  const loadSeconds = round((performance.now() - loadStarted) / 1000, 1);
  const samples = options.samples ?? 200;
  const queries: ScaleResult['queries'] = [];
  try {
    const base = `${service.baseUrl}/workflows/${WORKFLOW}/instances`;
    // The first list makes the service keep its cursor key in the database, where deepCursor reads it.
    await (await fetch(base)).arrayBuffer();
    const deep = await deepCursor(name, Math.floor(options.instances / 2));
    const ids = Array.from({ length: samples }, (_, i) => `bulk-${1 + Math.floor(((i + 0.5) / samples) * options.instances)}`);
    const cases: [string, (i: number) => string][] = [
      ['list, first page (25)', () => base],
      [`list, page at row ${Math.floor(options.instances / 2).toLocaleString('en')} (cursor)`, () => `${base}?cursor=${encodeURIComponent(deep)}`],
      ['list, status=errored (2% of rows)', () => `${base}?status=errored`],
      [`history (${STEPS_PER_INSTANCE} steps, with logs)`, (i) => `${base}/${ids[i]}/history?includeLogs=true`],
      ['get instance', (i) => `${base}/${ids[i]}`],
    ];
    for (const [query, urlFor] of cases) {
      const latencies: number[] = [];
      for (let i = 0; i < samples; i++) {
        const started = performance.now();
        const response = await fetch(urlFor(i));
        await response.arrayBuffer();
        if (!response.ok) throw new Error(`${query}: ${response.status}`);
        latencies.push(performance.now() - started);
      }
      queries.push({ query, p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2) });
    }
  } finally {
    await service.close();
  }
  const throughput = await medianThroughput(3, { label: 'W1 on the loaded database', database: 'postgres', instances: 2000, databaseName: name });
  await dropDatabase(name);
  return { label: 'W4 scale', instances: options.instances, steps: options.instances * STEPS_PER_INSTANCE, loadSeconds, queries, throughput };
}

async function bulkLoad(name: string, instances: number): Promise<void> {
  await withClient(databaseUrl(name), async (client) => {
    await client.query('SET synchronous_commit = off');
    // One instance every 50 ms over the last days; every 50th errored.
    await client.query(
      `INSERT INTO workflow_instance (workflow_name, instance_id, run_number, status, params, output, error_name, error_message,
         created_at, updated_at, started_at, completed_at)
       SELECT $1, 'bulk-' || g, 0, CASE WHEN g % 50 = 0 THEN 'errored' ELSE 'complete' END, '{}',
         CASE WHEN g % 50 = 0 THEN NULL ELSE '{"i":3}' END, CASE WHEN g % 50 = 0 THEN 'Error' END, CASE WHEN g % 50 = 0 THEN 'boom' END,
         t, t, t, t
       FROM generate_series(1, $2::int) g, LATERAL (SELECT now() - interval '30 days' + g * interval '50 milliseconds' AS t) at`,
      [WORKFLOW, instances],
    );
    await client.query(
      `INSERT INTO workflow_step (workflow_name, instance_id, run_number, name, id, seq, type, status, attempts, max_attempts,
         timeout_ms, result, created_at, updated_at)
       SELECT $1, 'bulk-' || g, 0, 'step-' || s, g || '-' || s, s, 'do', 'completed', 1, 6, 600000, '{"i":1}', t, t
       FROM generate_series(1, $2::int) g, generate_series(1, $3::int) s,
         LATERAL (SELECT now() - interval '30 days' + g * interval '50 milliseconds' AS t) at`,
      [WORKFLOW, instances, STEPS_PER_INSTANCE],
    );
    await client.query('VACUUM ANALYZE workflow_instance');
    await client.query('VACUUM ANALYZE workflow_step');
    // Write the load out now, so that the measurements are of a loaded database, not of the
    // checkpoint that flushes gigabytes of freshly loaded pages.
    await client.query('CHECKPOINT');
  });
}

/** A list cursor positioned `offset` rows from the newest, signed as the service signs them. */
async function deepCursor(name: string, offset: number): Promise<string> {
  const position = await withClient(databaseUrl(name), async (client) => {
    const { rows } = await client.query(
      `SELECT created_at, instance_id FROM workflow_instance WHERE workflow_name = $1
       ORDER BY created_at DESC, instance_id DESC OFFSET $2 LIMIT 1`,
      [WORKFLOW, offset],
    );
    // The key the service generated and keeps in the database.
    const secret = await client.query(`SELECT value FROM workflow_setting WHERE name = 'cursor-secret'`);
    return { createdAt: new Date(rows[0].created_at).getTime(), instanceId: rows[0].instance_id as string, secret: secret.rows[0].value as string };
  });
  const { secret, ...at } = position;
  return new CursorCodec(secret).encode(listCursorScope(WORKFLOW), { position: at, pageSize: 25, order: 'desc' });
}
