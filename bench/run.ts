import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeEnvironment, ratio, table } from './support/report';
import { type MemoryResult, runMemory } from './workloads/memory';
import { type CommitLimit, runDbos, runPgbench } from './workloads/peers';
import { medianThroughput, type ThroughputResult } from './workloads/w1-throughput';
import { type LatencyResult, runEventLatency } from './workloads/w2-event-latency';
import { runTimerAccuracy, type TimerResult } from './workloads/w3-timers';
import { type PurgeResult, runPurgeImpact } from './workloads/w1-purge';
import { runScale, type ScaleResult } from './workloads/w4-scale';
import { runMetricsScrape } from './workloads/w5-metrics';
import { type FanOutResult, runFanOut } from './workloads/w6-fan-out';

/**
 * `npm run bench` runs every workload and writes docs/benchmarks.md; `npm run bench -- w1 w2`
 * runs only those groups and just prints. Groups: pgbench, w1, w1http, w2, w3, dbos, memory, w4,
 * w1purge, w6 (child workflows: fan-out and fan-in), and w5 (the /metrics scrape; only when asked,
 * its figures are in docs/operations-metrics.md). BENCH_W6_CHILDREN (default 1,000) sizes the fan-out;
 * BENCH_W4_INSTANCES (default 1,000,000), BENCH_PURGE_INSTANCES (default 1,000,000) and
 * BENCH_WAITING (default 100,000) scale the big ones; BENCH_W5_INSTANCES (default 1,000,000) the scrape's database.
 */
/** Throughput runs are repeated and the median kept: single runs on 2 cores vary by ±20%. */
const REPEATS = 3;
const GROUPS = ['pgbench', 'w1', 'w1http', 'w2', 'w3', 'dbos', 'memory', 'w4', 'w1purge', 'w6', 'w5'] as const;
type Group = (typeof GROUPS)[number];

async function main(): Promise<void> {
  const asked = process.argv.slice(2) as Group[];
  const unknown = asked.filter((group) => !GROUPS.includes(group));
  if (unknown.length) throw new Error(`Unknown group(s) ${unknown.join(', ')}; pick from ${GROUPS.join(', ')}`);
  const runs = (group: Group) => !asked.length || asked.includes(group);
  const log = (message: string) => console.error(`[bench] ${message}`);

  const environment = await describeEnvironment();
  let commitLimit: CommitLimit | undefined;
  const throughput: ThroughputResult[] = [];
  const latency: LatencyResult[] = [];
  let timers: TimerResult | undefined;
  const dbos: Record<string, Record<string, number | string>> = {};
  let memory: MemoryResult | undefined;
  let scale: ScaleResult | undefined;
  let purge: PurgeResult | undefined;
  let fanOut: FanOutResult | undefined;

  if (runs('pgbench')) {
    log('pgbench: the commit limit');
    commitLimit = await runPgbench();
    console.table([commitLimit]);
  }
  if (runs('w1')) {
    for (const options of [
      { label: 'W1 PostgreSQL, 1 process', database: 'postgres' as const, instances: 2000 },
      { label: 'W1 PostgreSQL, 2 processes', database: 'postgres' as const, instances: 2000, extraProcesses: 1 },
      { label: 'W1 SQLite, 1 process', database: 'sqlite' as const, instances: 2000 },
    ]) {
      log(options.label);
      throughput.push(await medianThroughput(REPEATS, options));
    }
  }
  if (runs('w1http')) {
    for (const mode of ['http-batch', 'http-single'] as const) {
      const label = `W1-HTTP PostgreSQL, ${mode === 'http-batch' ? 'batch creates (100)' : 'single creates'}`;
      log(label);
      throughput.push(await medianThroughput(REPEATS, { label, database: 'postgres', instances: 2000, mode }));
    }
  }
  if (throughput.length) console.table(throughput);
  if (runs('w2')) {
    log('W2 in-process');
    latency.push(await runEventLatency({ label: 'W2 event sent to the runner process', instances: 200, viaOtherProcess: false }));
    log('W2 via another process');
    latency.push(await runEventLatency({ label: 'W2 event sent to another process (HTTP, API-only)', instances: 200, viaOtherProcess: true }));
    console.table(latency);
  }
  if (runs('w3')) {
    log('W3');
    timers = await runTimerAccuracy({ label: 'W3 100 × sleep 1 s', instances: 100 });
    console.table([timers]);
  }
  if (runs('dbos')) {
    for (const workload of ['w1', 'w2', 'w3'] as const) {
      log(`DBOS ${workload}`);
      dbos[workload] = runDbos(workload);
    }
    console.table(Object.values(dbos));
  }
  if (runs('memory')) {
    const waiting = Number(process.env.BENCH_WAITING ?? 100_000);
    log(`memory (with ${waiting} waiting instances)`);
    memory = await runMemory({ waiting });
    console.table([memory]);
  }
  if (runs('w4')) {
    const instances = Number(process.env.BENCH_W4_INSTANCES ?? 1_000_000);
    log(`W4 with ${instances} instances`);
    scale = await runScale({ instances });
    console.table(scale.queries);
    console.table([scale.throughput]);
  }
  if (runs('w1purge')) {
    const instances = Number(process.env.BENCH_PURGE_INSTANCES ?? 1_000_000);
    log(`W1 while purging ${instances} finished instances`);
    purge = await runPurgeImpact({ instances });
    console.log(purgeSection(purge));
  }
  if (runs('w6')) {
    const children = Number(process.env.BENCH_W6_CHILDREN ?? 1_000);
    log(`W6 one parent, ${children} children`);
    fanOut = await runFanOut({ label: `W6 PostgreSQL, 1 parent × ${children.toLocaleString('en')} children`, children });
    console.table([fanOut]);
  }

  if (asked.includes('w5')) {
    const instances = Number(process.env.BENCH_W5_INSTANCES ?? 1_000_000);
    log(`W5 /metrics with ${instances} instances`);
    const result = await runMetricsScrape({ instances });
    console.table([{ instances: result.instances, dueRuns: result.queuedRuns, loadSeconds: result.loadSeconds, ...result.scrape }]);
    console.table(result.refreshQueries);
  }

  if (!asked.length) {
    const file = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
    writeFileSync(file, renderReport({ environment, commitLimit, throughput, latency, timers, dbos, memory, scale, purge, fanOut }));
    log(`wrote ${file}`);
  }
}

function renderReport(r: {
  environment: Awaited<ReturnType<typeof describeEnvironment>>;
  commitLimit?: CommitLimit;
  throughput: ThroughputResult[];
  latency: LatencyResult[];
  timers?: TimerResult;
  dbos: Record<string, Record<string, number | string>>;
  memory?: MemoryResult;
  scale?: ScaleResult;
  purge?: PurgeResult;
  fanOut?: FanOutResult;
}): string {
  const w1 = r.throughput[0];
  const bound = r.commitLimit && w1?.commitsPerWorkflow ? r.commitLimit.tps / w1.commitsPerWorkflow : undefined;
  const e = r.environment;
  return `# Benchmarks

Written by \`npm run bench\` on ${e.date}. Every figure below is from that one run, on one machine,
with our engine, DBOS and pgbench against the same PostgreSQL server, one after the other.

## Machine and settings
- ${e.cores} × ${e.cpu}, ${e.memoryGb} GiB; Node ${e.node}; PostgreSQL ${e.postgres} on the same machine, over TCP 127.0.0.1.
- PostgreSQL settings: ${Object.entries(e.settings).map(([k, v]) => `\`${k}=${v}\``).join(', ')} (the machine's defaults; nothing tuned).
- Our service: defaults (RUNNER_CONCURRENCY 10, pool 15, lease 30 s); the in-process runs create
  instances through the programmatic client with up to 64 creates in flight. DBOS: ${String(r.dbos.w1?.version ?? '@dbos-inc/dbos-sdk 5.3.0')} with
  its defaults (see bench/peers/README.md).

## Summary
${table(
  ['measure', 'ours', 'reference', 'ratio'],
  [
    ['W1 workflows/s vs DBOS', w1?.workflowsPerSecond, r.dbos.w1?.workflowsPerSecond, ratio(w1?.workflowsPerSecond, Number(r.dbos.w1?.workflowsPerSecond))],
    [
      'W1 workflows/s vs commit-limit bound (pgbench tps ÷ our commits per workflow)',
      w1?.workflowsPerSecond,
      bound === undefined ? undefined : Math.round(bound),
      ratio(w1?.workflowsPerSecond, bound),
    ],
    ['W2 p50 ms (event → complete) vs DBOS', r.latency[0]?.p50Ms, r.dbos.w2?.p50Ms, ratio(r.latency[0]?.p50Ms, Number(r.dbos.w2?.p50Ms))],
    ['W2 p99 ms vs DBOS', r.latency[0]?.p99Ms, r.dbos.w2?.p99Ms, ratio(r.latency[0]?.p99Ms, Number(r.dbos.w2?.p99Ms))],
    ['W3 p99 lateness ms vs DBOS', r.timers?.p99LatenessMs, r.dbos.w3?.p99LatenessMs, ratio(r.timers?.p99LatenessMs, Number(r.dbos.w3?.p99LatenessMs))],
    ['W1 on 1M instances vs empty database', r.scale?.throughput.workflowsPerSecond, w1?.workflowsPerSecond, ratio(r.scale?.throughput.workflowsPerSecond, w1?.workflowsPerSecond)],
  ],
)}

## W1 throughput (2,000 three-step instances, first create to last completion)
Each row is the median of ${REPEATS} runs (all runs' workflows/s in the last column); the other columns are that run's.

${table(
  ['run', 'seconds', 'workflows/s', 'steps/s', 'commits/wf', 'rows written/wf', 'WAL bytes/wf', 'Node CPU s/1000 wf', 'all runs'],
  r.throughput.map((t) => [
    t.label, t.seconds, t.workflowsPerSecond, t.stepsPerSecond, t.commitsPerWorkflow, t.rowsPerWorkflow, t.walBytesPerWorkflow, t.cpuSecondsPer1000, t.runs?.join(' / '),
  ]),
)}

Commits are \`pg_stat_database.xact_commit\` deltas of the benchmark database (read-only
transactions count too), minus the benchmark's own completion polls; WAL bytes are the
\`pg_stat_wal\` delta of the whole server. CPU is this process's (service and the creating client).

## W2 event latency (200 instances waiting; event request → instance complete, one at a time)
${table(['run', 'p50 ms', 'p95 ms', 'p99 ms', 'mean ms'], [
  ...r.latency.map((l) => [l.label, l.p50Ms, l.p95Ms, l.p99Ms, l.meanMs]),
  ['DBOS (send → getResult, same process)', r.dbos.w2?.p50Ms, r.dbos.w2?.p95Ms, r.dbos.w2?.p99Ms, r.dbos.w2?.meanMs],
])}

Our figure includes polling the instance's status every millisecond; DBOS's waits on the result in memory.

## W3 timer accuracy (100 instances sleeping 1 s, started together)
${table(['run', 'p50 lateness ms', 'p99 lateness ms', 'max ms'], [
  ['ours', r.timers?.p50LatenessMs, r.timers?.p99LatenessMs, r.timers?.maxLatenessMs],
  ['DBOS', r.dbos.w3?.p50LatenessMs, r.dbos.w3?.p99LatenessMs, r.dbos.w3?.maxLatenessMs],
])}

Lateness = when the step after the sleep ran − (when the step before it ran + 1,000 ms), on both.

## Memory (RSS of a separate service process)
${r.memory ? table(['idle', 'after W1', `with ${r.memory.waiting.toLocaleString('en')} instances waiting`], [[`${r.memory.idleMb} MB`, `${r.memory.afterW1Mb} MB`, `${r.memory.withWaitingMb} MB`]]) : 'not run'}

## W4 scale
${r.scale ? `${r.scale.instances.toLocaleString('en')} instances and ${r.scale.steps.toLocaleString('en')} step rows bulk-loaded with SQL in ${r.scale.loadSeconds} s; then, over HTTP, 200 requests each:

${table(['query', 'p50 ms', 'p99 ms'], r.scale.queries.map((q) => [q.query, q.p50Ms, q.p99Ms]))}

W1 again on the loaded database (median of ${REPEATS}): ${r.scale.throughput.workflowsPerSecond} workflows/s (runs: ${r.scale.throughput.runs?.join(' / ')}; empty database: ${w1?.workflowsPerSecond}).` : 'not run'}

## W1 while retention purges
${r.purge ? purgeSection(r.purge) : 'not run'}

## W6 child workflows: fan-out and fan-in
${r.fanOut ? fanOutSection(r.fanOut) : 'not run'}

## Commit limit
${r.commitLimit ? `pgbench, ${r.commitLimit.clients} clients, ${r.commitLimit.seconds} s, one-row INSERT with a jsonb column per transaction: **${Math.round(r.commitLimit.tps)} tps** (latency ${r.commitLimit.latencyMs} ms).` : 'not run'}

## DBOS raw results
\`\`\`json
${JSON.stringify(r.dbos, null, 2)}
\`\`\`
`;
}

/** The W6 section: one parent, its children, and how soon the last child's end wakes it. */
export function fanOutSection(f: FanOutResult): string {
  return `One parent starts ${f.children.toLocaleString('en')} one-step children with \`step.startWorkflow\` (concurrently, \`Promise.all\`) and
waits for all of them with \`step.waitForWorkflow\`; each child's end wakes the parent in the same transaction.

${table(['run', 'children', 'parent created → complete, s', 'last child complete → parent complete, ms'], [[f.label, f.children, f.totalSeconds, f.lastChildToParentMs]])}`;
}

/** The W1-while-purging section: the two series, their medians and ratio, and the purge's pace. */
export function purgeSection(p: PurgeResult): string {
  return `${p.instances.toLocaleString('en')} instances of W1's workflow that finished 60-90 days ago, with 3 steps and 2 log lines each,
bulk-loaded with SQL in ${p.loadSeconds} s; retention 30 days. The purge runs in the same process as the
runner (as the module runs it: batches of 500, 20 ms apart); W1 (2,000 instances) runs with the purge
held between two batches ("alone") and with it flowing, alternately, ${p.aloneRuns.length} times each.

${table(
  ['W1 workflows/s', 'median', 'runs'],
  [
    ['alone (purge held)', p.aloneMedian, p.aloneRuns.join(' / ')],
    ['while the purge runs', p.withPurgeMedian, p.withPurgeRuns.join(' / ')],
  ],
)}

With the purge ÷ alone: **${p.ratio}** (W1 at ${Math.round(p.ratio * 100)}% of its speed alone). Deleted during each "with" run: ${p.purgedDuringRuns.join(' / ')} instances.
The purge deleted all ${p.instances.toLocaleString('en')} in ${p.purgeSeconds} s (${p.purgedPerSecond.toLocaleString('en')} instances/s, W1's pauses included).
A batch's query: \`${p.batchPlan}\`.`;
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
