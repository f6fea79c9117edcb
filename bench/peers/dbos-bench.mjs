#!/usr/bin/env node
// Peer benchmark: runs our engine's W1/W2/W3 workloads (bench/support/bench-workflows.js)
// on DBOS Transact, so both can be measured on the same machine and PostgreSQL server.
//
//   node bench/peers/dbos-bench.mjs --workload w1 --database-url postgres://postgres@127.0.0.1:5432/dbos_bench [--instances N]
//     [--pool-size N]   optional override of DBOS's systemDatabasePoolSize (default: DBOS's own, 10)
//
// Stdout carries exactly one line, the JSON result; everything else (DBOS's own logs,
// progress) goes to stderr so a harness can take the last stdout line as the result.

import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { DBOS } from '@dbos-inc/dbos-sdk';

const DEFAULT_INSTANCES = { w1: 2000, w2: 200, w3: 100 };

// ---------------------------------------------------------------------------------------
// Workflows. Registered with DBOS.registerWorkflow / DBOS.runStep (no decorators, so no
// TypeScript build step) and shaped exactly like the engine's bench workflows.
// ---------------------------------------------------------------------------------------

/** W1: three checkpointed steps, each returning a small object. */
const threeSteps = DBOS.registerWorkflow(
  async (i) => {
    const a = await DBOS.runStep(async () => ({ i, step: 1 }), { name: 'one' });
    const b = await DBOS.runStep(async () => ({ i: a.i, step: 2 }), { name: 'two' });
    return DBOS.runStep(async () => ({ i: b.i, step: 3 }), { name: 'three' });
  },
  { name: 'bench-three-steps' },
);

const W2_TOPIC = 'go';
// Far beyond any run, so the timeout is only a safeguard and never what ends the wait.
const W2_RECV_TIMEOUT_SECONDS = 3600;

/** W2: waits for one message on a topic; returns it when it arrives. */
const waitsForMessage = DBOS.registerWorkflow(
  async () => DBOS.recv(W2_TOPIC, { timeoutSeconds: W2_RECV_TIMEOUT_SECONDS }),
  { name: 'bench-wait-message' },
);

const W3_SLEEP_MS = 1000;

/** W3: durable 1 s sleep; the clock is read in steps so that it is checkpointed like any result. */
const sleepsOneSecond = DBOS.registerWorkflow(
  async () => {
    const began = await DBOS.runStep(async () => Date.now(), { name: 'before' });
    await DBOS.sleep(W3_SLEEP_MS);
    const woke = await DBOS.runStep(async () => Date.now(), { name: 'after' });
    return { began, woke };
  },
  { name: 'bench-sleep' },
);

// ---------------------------------------------------------------------------------------
// Workloads. Each returns the JSON object to print.
// ---------------------------------------------------------------------------------------

async function runW1(instances, stats) {
  const before = await stats.commits();
  const t0 = performance.now();
  // Start everything concurrently (each start is one durable insert), then await all results.
  const handles = await Promise.all(
    Array.from({ length: instances }, (_, i) => DBOS.startWorkflow(threeSteps)(i)),
  );
  const results = await Promise.all(handles.map((h) => h.getResult()));
  const seconds = (performance.now() - t0) / 1000;
  assertEveryResult(results, (r, i) => r?.i === i && r.step === 3, 'w1');

  // Shut DBOS down first so its pooled backends exit and flush their pending statistics;
  // otherwise the last ~second of commits may not be visible in pg_stat_database yet.
  await DBOS.shutdown();
  const after = await stats.commits();
  return {
    workload: 'w1',
    instances,
    steps: instances * 3,
    seconds: round(seconds, 3),
    workflowsPerSecond: round(instances / seconds),
    stepsPerSecond: round((instances * 3) / seconds),
    commitsPerWorkflow: round((after - before) / instances, 2),
  };
}

async function runW2(instances) {
  const handles = await Promise.all(
    Array.from({ length: instances }, () => DBOS.startWorkflow(waitsForMessage)()),
  );
  await waitUntilAllReceiving(handles);

  const latencies = [];
  for (const [i, handle] of handles.entries()) {
    // One at a time, so each latency is the engine's own wake-up path, not a queue behind others.
    const t0 = performance.now();
    await DBOS.send(handle.workflowID, { i }, W2_TOPIC);
    const result = await handle.getResult();
    latencies.push(performance.now() - t0);
    if (result?.i !== i) throw new Error(`w2: workflow ${handle.workflowID} returned ${JSON.stringify(result)}`);
  }
  return {
    workload: 'w2',
    instances,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    meanMs: round(latencies.reduce((a, b) => a + b, 0) / latencies.length),
  };
}

/**
 * W2 must only start sending once every workflow is parked inside recv. DBOS.recv first
 * checkpoints its timeout deadline (a `DBOS.sleep` operation) and only then waits, and it
 * records its own `DBOS.recv` step only on consumption; so "PENDING with a DBOS.sleep step
 * and no DBOS.recv step" means the recv is in progress.
 */
async function waitUntilAllReceiving(handles) {
  const deadline = Date.now() + 60_000;
  let waiting = new Set(handles.map((h) => h.workflowID));
  while (waiting.size > 0) {
    if (Date.now() > deadline) throw new Error(`w2: ${waiting.size} workflows never reached recv`);
    const stillWaiting = new Set();
    for (const id of waiting) {
      const [status, steps] = await Promise.all([DBOS.getWorkflowStatus(id), DBOS.listWorkflowSteps(id)]);
      const names = new Set((steps ?? []).map((s) => s.name));
      const inRecv = status?.status === 'PENDING' && names.has('DBOS.sleep') && !names.has('DBOS.recv');
      if (!inRecv) stillWaiting.add(id);
    }
    waiting = stillWaiting;
    if (waiting.size > 0) await delay(100);
  }
  // The deadline checkpoint precedes the listener registration by a few awaits; let those settle.
  await delay(1000);
}

async function runW3(instances) {
  const handles = await Promise.all(
    Array.from({ length: instances }, () => DBOS.startWorkflow(sleepsOneSecond)()),
  );
  const results = await Promise.all(handles.map((h) => h.getResult()));
  const lateness = results.map(({ began, woke }) => woke - (began + W3_SLEEP_MS));
  return {
    workload: 'w3',
    instances,
    p50LatenessMs: round(percentile(lateness, 50)),
    p99LatenessMs: round(percentile(lateness, 99)),
    maxLatenessMs: round(Math.max(...lateness)),
  };
}

// ---------------------------------------------------------------------------------------
// Database set-up and statistics, through a separate maintenance connection ("postgres"
// database) so that none of this bookkeeping is counted against DBOS's own database.
// ---------------------------------------------------------------------------------------

function maintenanceUrl(databaseUrl) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new Error(`--database-url must name a plain database (letters, digits, _), got '${name}'`);
  }
  url.pathname = '/postgres';
  return { name, url: url.toString() };
}

/** Drop and recreate the system database so every run starts from an empty, freshly migrated one. */
async function recreateDatabase(admin, name) {
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
}

function commitCounter(admin, name) {
  return {
    async commits() {
      // Idle backends publish their counters within ~1 s (PG 15 shared-memory stats);
      // wait past that, and drop this session's cached snapshot, so the reading is current.
      await delay(1500);
      await admin.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await admin.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [name]);
      return Number(rows[0].xact_commit);
    },
  };
}

// ---------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------

/** Nearest-rank percentile, the same definition as bench/support/stats.ts. */
function percentile(samples, p) {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function assertEveryResult(results, ok, workload) {
  const bad = results.findIndex((r, i) => !ok(r, i));
  if (bad >= 0) throw new Error(`${workload}: instance ${bad} returned ${JSON.stringify(results[bad])}`);
}

/** DBOS's logs go to stderr, keeping stdout for the single result line. */
const stderrLogger = {
  info: (entry) => console.error('[dbos] info', entry),
  debug: () => {},
  warn: (entry) => console.error('[dbos] warn', entry),
  error: (entry) => console.error('[dbos] error', entry),
};

function parseCli() {
  const { values } = parseArgs({
    options: {
      workload: { type: 'string' },
      'database-url': { type: 'string' },
      instances: { type: 'string' },
      'pool-size': { type: 'string' },
    },
  });
  const workload = values.workload;
  if (!(workload in DEFAULT_INSTANCES)) throw new Error('--workload must be one of w1, w2, w3');
  if (!values['database-url']) throw new Error('--database-url is required');
  const instances = values.instances === undefined ? DEFAULT_INSTANCES[workload] : Number(values.instances);
  if (!Number.isInteger(instances) || instances < 1) throw new Error('--instances must be a positive integer');
  const poolSize = values['pool-size'] === undefined ? undefined : Number(values['pool-size']);
  if (poolSize !== undefined && (!Number.isInteger(poolSize) || poolSize < 2)) throw new Error('--pool-size must be an integer >= 2');
  return { workload, databaseUrl: values['database-url'], instances, poolSize };
}

async function main() {
  const { workload, databaseUrl, instances, poolSize } = parseCli();
  const { name, url } = maintenanceUrl(databaseUrl);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await recreateDatabase(admin, name);

    // DBOS defaults throughout (pool of 10, LISTEN/NOTIFY on) unless --pool-size; see README for why.
    DBOS.setConfig({
      name: 'dbos-peer-bench',
      // Pinned so DBOS does not derive a version by hashing the workflow source; no effect on speed.
      applicationVersion: 'bench',
      systemDatabaseUrl: databaseUrl,
      ...(poolSize === undefined ? {} : { systemDatabasePoolSize: poolSize }),
      logger: stderrLogger,
    });
    const launchStart = performance.now();
    await DBOS.launch();
    console.error(`[bench] DBOS launched in ${Math.round(performance.now() - launchStart)} ms; running ${workload} x ${instances}${poolSize ? ` (pool ${poolSize})` : ''}`);

    let result;
    try {
      if (workload === 'w1') result = await runW1(instances, commitCounter(admin, name));
      else if (workload === 'w2') result = await runW2(instances);
      else result = await runW3(instances);
    } finally {
      if (DBOS.isInitialized()) await DBOS.shutdown();
    }
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  // A failed run can leave workflows parked in recv/sleep with live timers; don't wait on them.
  process.exit(1);
});
