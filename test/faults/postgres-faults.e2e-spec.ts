import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay, eventually } from '../support/async';
import { TEST_DATABASES } from '../support/databases';
import { canCreatePostgresClusters, createPostgresCluster, type PostgresCluster } from '../support/postgres-cluster';
import { killServers, postJson, type ServerProcess, startServer } from '../support/server-process';

const STEPS = 5;
const WORK_MS = 200;
const PROCESSES = 2;
const CONCURRENCY = 10;
const LEASE_MS = 3_000;
const POLL_MS = 500;
const STOP_FOR_MS = 5_000;
const KILL_FOR_MS = 10_000;
const KILL_EVERY_MS = 100;
/** Instances created just before each fault, so that every fault hits runs in the middle of their steps. */
const BATCH: Record<Fault, number> = { restart: 50, stop: 50, kill: 200 };
/**
 * The faults run once (about 30 s in all); with `FAULT_SECONDS=300 npx jest test/faults` the
 * cycle of faults repeats, on fresh instances each time, until that many seconds have passed.
 */
const FAULT_MS = Number(process.env.FAULT_SECONDS ?? 0) * 1000;
/** `FAULT_VERBOSE=1` prints both servers' output at the end, even when the test passes. */
const VERBOSE = Boolean(process.env.FAULT_VERBOSE);
const DATABASE = 'faults';

type Fault = 'restart' | 'stop' | 'kill';

const describeWithClusters = TEST_DATABASES.includes('postgres') && canCreatePostgresClusters() ? describe : describe.skip;

/** What a request answered: its status, the body's code and the Retry-After header. */
interface Answer {
  url: string;
  status: number | string;
  code?: string;
  retryAfter: string | null;
  ms: number;
}

async function get(url: string, timeoutMs: number): Promise<Answer> {
  const sent = Date.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await response.json().catch(() => ({}))) as { code?: string };
    return { url, status: response.status, code: body.code, retryAfter: response.headers.get('retry-after'), ms: Date.now() - sent };
  } catch (error) {
    return { url, status: `${(error as Error).name}: ${(error as Error).message}`, retryAfter: null, ms: Date.now() - sent };
  }
}

const isDatabaseUnavailable = (answer: Answer) => answer.status === 503 && answer.code === 'DATABASE_UNAVAILABLE' && Boolean(answer.retryAfter);

/** The side-effect file: how many times each "<instance> <step>" line was written. */
function readSideEffects(file: string) {
  const counts = new Map<string, number>();
  const malformed: string[] = [];
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  for (const line of text.split('\n')) {
    if (!line) continue;
    if (!/^\S+ [1-9]\d*$/.test(line)) malformed.push(line);
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of counts.values()) duplicates += n - 1;
  return { counts, malformed, duplicates, lines: text ? text.split('\n').length - 1 : 0 };
}

/**
 * The database goes away under two service processes working through a few hundred instances:
 * PostgreSQL restarted (fast), stopped for 5 s then started, and every service connection
 * terminated every 100 ms for 10 s. The steps record their side effects in a file, which the
 * faults do not touch.
 */
describeWithClusters('faults: PostgreSQL restarted, stopped and its connections killed under load', () => {
  let cluster: PostgresCluster | undefined;
  const servers: ServerProcess[] = [];
  const file = join(tmpdir(), `fault-side-effects-${process.pid}-${randomBytes(4).toString('hex')}.log`);

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    await cluster.createDatabase(DATABASE);
  }, 60_000);

  afterAll(async () => {
    await killServers(servers);
    await cluster?.drop();
    rmSync(file, { force: true });
  }, 60_000);

  it('keeps both processes up, completes every instance, runs every step, and duplicates side effects only at faults', async () => {
    const pg = cluster!;
    const testStarted = Date.now();
    const env = {
      DATABASE_URL: pg.url(DATABASE),
      RUNNER_CONCURRENCY: String(CONCURRENCY),
      RUNNER_LEASE_MS: String(LEASE_MS),
      RUNNER_POLL_INTERVAL_MS: String(POLL_MS),
    };
    const started = await Promise.allSettled(Array.from({ length: PROCESSES }, () => startServer(env)));
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    for (const result of started) if (result.status === 'rejected') throw result.reason;
    let processExits = 0;
    for (const server of servers) void server.exited.then(() => processExits++);

    const printOutputs = () => servers.forEach((server, i) => console.log(`server ${i} output:\n${server.output()}`));
    const count = async (sql: string, params: unknown[] = []) => Number((await pg.query<{ count: string }>(DATABASE, sql, params))[0].count);
    const created: string[] = [];
    const instanceUrl = (server: ServerProcess, id: string) => `${server.baseUrl}/workflows/file-side-effects/instances/${id}`;

    /** Every API answer during the run must be a 200, or a 503 DATABASE_UNAVAILABLE with Retry-After: never a 500, a hang or a refused connection. */
    const answers = new Map<string, number>();
    const unexpected: Answer[] = [];
    let probing = true;
    /** What the database is going through when an answer arrives: a fault, the recovery after one, or nothing. */
    let moment = 'quiet';
    const record = (answer: Answer) => {
      const key = `${moment}: ${answer.status === 200 ? '200' : isDatabaseUnavailable(answer) ? '503' : `${answer.status} ${answer.code ?? ''}`.trim()}`;
      answers.set(key, (answers.get(key) ?? 0) + 1);
      if (answer.status !== 200 && !isDatabaseUnavailable(answer)) unexpected.push(answer);
    };
    let prober: Promise<void> = Promise.resolve();

    const phases: { fault: Fault; cycle: number; instances: number; completeAfterFault: number; duplicates: number; faultEvents: number; terminated?: number; seconds: number }[] = [];
    const stopWindowAnswers: Answer[] = [];

    async function createBatch(fault: Fault, cycle: number): Promise<string[]> {
      const ids = Array.from({ length: BATCH[fault] }, (_, i) => `${fault}-${cycle}-${i}`);
      for (let from = 0; from < ids.length; from += 100) {
        const instances = ids.slice(from, from + 100).map((id) => ({ id, params: { file, steps: STEPS, workMs: WORK_MS } }));
        const response = await postJson(`${servers[(from / 100) % PROCESSES].baseUrl}/workflows/file-side-effects/instances/batch`, { instances });
        expect(response.status).toBe(201);
      }
      created.push(...ids);
      return ids;
    }

    /** Until every instance of the batch is complete; fails at once when one ends any other way. */
    async function waitForBatch(prefix: string, size: number, timeoutMs: number) {
      await eventually(
        async () => {
          const failed = await pg.query(
            DATABASE,
            "SELECT instance_id, status, error_name, error_message FROM workflow_instance WHERE instance_id LIKE $1 AND status IN ('errored', 'terminated', 'unknown')",
            [`${prefix}%`],
          );
          if (failed.length) throw new Error(`instances ended other than complete: ${JSON.stringify(failed.slice(0, 5))}`);
          return (await count("SELECT count(*) FROM workflow_instance WHERE instance_id LIKE $1 AND status = 'complete'", [`${prefix}%`])) === size;
        },
        { timeoutMs, what: `the ${size} instances ${prefix}* to complete` },
      );
    }

    async function stopWindow(): Promise<void> {
      await pg.stop();
      const windowEnds = Date.now() + STOP_FOR_MS;
      // PostgreSQL is down for the whole window: every request that needs it answers 503 at once.
      await Promise.all(
        servers.map(async (server, i) => {
          for (let n = 0; Date.now() < windowEnds - 500; n++) {
            const url = n % 2 ? `${server.baseUrl}/workflows/file-side-effects/instances?pageSize=5` : instanceUrl(server, created[i]);
            stopWindowAnswers.push(await get(url, 3_000));
            await delay(250);
          }
        }),
      );
      await delay(windowEnds - Date.now());
      moment = 'starting';
      await pg.start();
    }

    async function killWindow(): Promise<{ rounds: number; terminated: number }> {
      let rounds = 0;
      let terminated = 0;
      const started = Date.now();
      for (let round = 0; Date.now() - started < KILL_FOR_MS; round++) {
        await delay(started + round * KILL_EVERY_MS - Date.now());
        try {
          terminated += await pg.terminateBackends(DATABASE);
          rounds++;
        } catch {
          // The admin connection is replaced on the next round.
        }
      }
      return { rounds, terminated };
    }

    try {
      const faultsStarted = Date.now();
      for (let cycle = 0; cycle === 0 || Date.now() - faultsStarted < FAULT_MS; cycle++) {
        for (const fault of ['restart', 'stop', 'kill'] as const) {
          const phaseStarted = Date.now();
          const before = readSideEffects(file);
          const ids = await createBatch(fault, cycle);
          if (cycle === 0 && fault === 'restart') {
            prober = (async () => {
              for (let n = 0; probing; n++) {
                record(await get(instanceUrl(servers[n % PROCESSES], created[0]), 10_000));
                await delay(100);
              }
            })();
          }
          // Hit runs in flight: both processes busy with steps of this batch.
          const prefix = `${fault}-${cycle}-`;
          await eventually(async () => readSideEffects(file).lines - before.lines >= CONCURRENCY * PROCESSES, {
            timeoutMs: 20_000,
            what: `steps of ${prefix}* to start`,
          });
          let faultEvents = 1;
          let terminated: number | undefined;
          moment = fault;
          if (fault === 'restart') await pg.restart();
          else if (fault === 'stop') await stopWindow();
          else ({ rounds: faultEvents, terminated } = await killWindow());
          moment = `after ${fault}`;
          const completeAfterFault = await count("SELECT count(*) FROM workflow_instance WHERE instance_id LIKE $1 AND status = 'complete'", [`${prefix}%`]);
          await waitForBatch(prefix, ids.length, 60_000);
          moment = 'quiet';
          phases.push({
            fault,
            cycle,
            instances: ids.length,
            completeAfterFault,
            duplicates: readSideEffects(file).duplicates - before.duplicates,
            faultEvents,
            terminated,
            seconds: (Date.now() - phaseStarted) / 1000,
          });
        }
      }
      probing = false;
      await prober;

      // Both processes stayed up all along.
      const alive = servers.map((server) => server.process.exitCode === null && server.process.signalCode === null);
      if (processExits > 0 || alive.includes(false)) {
        throw new Error(`a service process exited during the faults (alive: ${alive.join(', ')}; exit codes ${servers.map((server) => server.process.exitCode ?? server.process.signalCode).join(', ')})`);
      }

      // Every instance complete, nothing left queued or leased.
      const total = await count('SELECT count(*) FROM workflow_instance');
      const completed = await count("SELECT count(*) FROM workflow_instance WHERE status = 'complete'");
      const tasks = await count('SELECT count(*) FROM workflow_task');
      const effects = readSideEffects(file);
      const missing: string[] = [];
      for (const id of created) for (let step = 1; step <= STEPS; step++) if (!effects.counts.has(`${id} ${step}`)) missing.push(`${id} ${step}`);
      const faultEvents = phases.reduce((sum, phase) => sum + phase.faultEvents, 0);
      const restarts = phases.filter((phase) => phase.fault !== 'kill').length;
      const killRounds = faultEvents - restarts;

      const byFault = (fault: Fault) => phases.filter((phase) => phase.fault === fault).reduce((sum, phase) => sum + phase.duplicates, 0);
      console.log(
        [
          `faults: ${completed}/${total} complete (${created.length} created), ${tasks} tasks left, ${processExits} process exits/restarts`,
          `  side effects: ${effects.lines} lines for ${created.length * STEPS} steps, ${effects.duplicates} duplicates ` +
            `(bound ${CONCURRENCY * faultEvents} = RUNNER_CONCURRENCY ${CONCURRENCY} × ${faultEvents} fault events), ${missing.length} missing`,
          `  duplicates by fault: fast restart ${byFault('restart')}, stop 5 s ${byFault('stop')}, ${killRounds} kill rounds ${byFault('kill')} ` +
            `(${phases.reduce((sum, phase) => sum + (phase.terminated ?? 0), 0)} backends terminated)`,
          ...phases.map(
            (phase) =>
              `  cycle ${phase.cycle} ${phase.fault}: ${phase.instances} instances (${phase.completeAfterFault} complete when the fault ended), ${phase.faultEvents} fault events` +
              `${phase.terminated === undefined ? '' : `, ${phase.terminated} backends terminated`}, ${phase.duplicates} duplicates, ${phase.seconds.toFixed(1)} s`,
          ),
          `  API answers: ${[...answers].map(([key, n]) => `${key} ×${n}`).join(', ')}`,
          `  while stopped: ${stopWindowAnswers.filter(isDatabaseUnavailable).length}/${stopWindowAnswers.length} answers were 503 DATABASE_UNAVAILABLE with Retry-After, ` +
            `slowest ${Math.max(...stopWindowAnswers.map((answer) => answer.ms))} ms`,
          `  wall time ${((Date.now() - testStarted) / 1000).toFixed(1)} s`,
        ].join('\n'),
      );

      expect(total).toBe(created.length);
      expect(completed).toBe(created.length);
      expect(tasks).toBe(0);
      expect(missing).toEqual([]);
      expect(effects.malformed).toEqual([]);
      const ids = new Set(created);
      expect([...effects.counts.keys()].filter((line) => !ids.has(line.split(' ')[0]))).toEqual([]);
      // At most RUNNER_CONCURRENCY per fault event (restart, stop or kill round).
      expect(effects.duplicates).toBeLessThanOrEqual(CONCURRENCY * faultEvents);
      for (const phase of phases) expect({ phase: phase.fault, duplicates: phase.duplicates <= CONCURRENCY * phase.faultEvents }).toEqual({ phase: phase.fault, duplicates: true });

      // While PostgreSQL was down, the API answered 503 DATABASE_UNAVAILABLE with Retry-After, at once.
      expect(stopWindowAnswers.length).toBeGreaterThanOrEqual(PROCESSES);
      expect(stopWindowAnswers.filter((answer) => !isDatabaseUnavailable(answer))).toEqual([]);
      expect(unexpected).toEqual([]);

      // Nothing escaped as an unhandled rejection or exception.
      const escaped = servers.flatMap((server) => server.output().split('\n')).filter((line) => /Unhandled promise rejection|Uncaught exception/.test(line));
      expect(escaped).toEqual([]);

      // And after all that, each process still shuts down cleanly.
      for (const server of servers) server.process.kill('SIGTERM');
      expect(await Promise.all(servers.map((server) => server.exited))).toEqual(servers.map(() => 0));
      if (VERBOSE) printOutputs();
    } catch (error) {
      probing = false;
      await prober;
      printOutputs();
      throw error;
    }
  }, FAULT_MS + 150_000);
});
