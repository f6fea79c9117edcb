/**
 * Workflows and the per-test harness of the lifecycle contract suites (test/contract/lifecycle/):
 * engines on a real database with a manual clock, gates that hold a step open, and the way to
 * bring an instance to each status of the status table.
 */
import type { EngineOptions } from '../../src/engine/create-engine';
import { defineWorkflow } from '../../src/engine/definition/define-workflow';
import type { WorkflowSource } from '../../src/engine/definition/registry';
import type { InstanceStatus } from '../../src/engine/model';
import { type Deferred, deferred } from './async';
import type { DatabaseKind } from './databases';
import { createTestEngine, type TestEngine } from './test-engine';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// ---- workflows ----------------------------------------------------------------------------------

/** Three `step.do` steps and nothing else; counts callback calls per instance and step. */
export function countingWorkflow(name = 'three') {
  const calls: Record<string, number> = {};
  const wf = defineWorkflow({ name }, async (event, step) => {
    const results: string[] = [];
    for (const stepName of ['one', 'two', 'three']) {
      results.push(
        await step.do(stepName, async () => {
          const key = `${event.instanceId}:${stepName}`;
          calls[key] = (calls[key] ?? 0) + 1;
          return `${stepName}-done`;
        }),
      );
    }
    return results;
  });
  return { wf, calls };
}

/** Two `step.do` steps; in the first run (run 0) the first one's callback waits for `gate` (after resolving `entered`). */
export function gatedWorkflow(name = 'gated') {
  const gate = deferred<void>();
  const entered = deferred<void>();
  const calls = { first: 0, second: 0 };
  const wf = defineWorkflow({ name }, async (event, step) => {
    const first = await step.do('first', async () => {
      calls.first++;
      if (event.runNumber === 0) {
        entered.resolve();
        await gate.promise;
      }
      return `first-${event.runNumber}`;
    });
    const second = await step.do('second', async () => {
      calls.second++;
      return `second-${event.runNumber}`;
    });
    return { first, second };
  });
  return { wf, gate, entered, calls };
}

export function sleeperWorkflow(name = 'sleeper') {
  const calls = { before: 0, after: 0 };
  const wf = defineWorkflow({ name }, async (_event, step) => {
    await step.do('before', async () => ++calls.before);
    await step.sleep('nap', '1 hour');
    await step.do('after', async () => ++calls.after);
    return 'slept';
  });
  return { wf, calls };
}

export function waiterWorkflow(name = 'waiter') {
  const wf = defineWorkflow({ name }, async (_event, step) => {
    await step.do('prep', async () => 'prepared');
    const received = await step.waitForEvent<unknown>('w', { type: 'go', timeout: '1 day' });
    return received.payload;
  });
  return { wf };
}

export function validatedWorkflow(name = 'validated') {
  const wf = defineWorkflow(
    {
      name,
      params: (params: unknown) => {
        const amount = (params as { amount?: unknown } | null | undefined)?.amount;
        if (amount === 'no') return false;
        if (typeof amount !== 'number') return ['amount must be a number', 'amount is required'];
        return true;
      },
    },
    async (event, step) => step.do('echo', async () => event.payload),
  );
  return { wf };
}

type LifeParams = { fail?: boolean; sleep?: boolean; hold?: boolean };

/**
 * The workflow the state table is exercised on: step `a` (held on `gate` in the first run, run 0,
 * when `hold`), a log line, then (run 0 only) a failure or a 1-hour sleep, then a wait for a `go` event.
 */
export function lifeWorkflow(name = 'life') {
  const gate = deferred<void>();
  const entered = deferred<void>();
  const aRuns: number[] = [];
  const wf = defineWorkflow<LifeParams | null>({ name }, async (event, step) => {
    const params = event.payload ?? {};
    const a = await step.do('a', async () => {
      aRuns.push(event.runNumber);
      if (params.hold && event.runNumber === 0) {
        entered.resolve();
        await gate.promise;
      }
      return `a${event.runNumber}`;
    });
    step.log.info(`after a in run ${event.runNumber}`);
    if (params.fail && event.runNumber === 0) throw new RangeError('boom');
    if (params.sleep && event.runNumber === 0) await step.sleep('nap', '1 hour');
    const received = await step.waitForEvent<string>('w', { type: 'go', timeout: '1 day' });
    return { a, got: received.payload };
  });
  return { wf, gate, entered, aRuns };
}

// ---- the harness --------------------------------------------------------------------------------

/**
 * Engines for the tests of one `describe` on `kind`, and what each test leaves to clean up:
 * gates still closed, ticks still in flight. Call it inside the describe: it registers an afterEach.
 */
export function lifecycleHarness(kind: DatabaseKind) {
  let engines: TestEngine[] = [];
  let releases: (() => void)[] = [];
  let inFlight: Promise<unknown>[] = [];

  async function setup(workflows: WorkflowSource[], options: Partial<EngineOptions> = {}): Promise<TestEngine> {
    const t = await createTestEngine(kind, workflows, options);
    engines.push(t);
    return t;
  }

  /** Makes sure `d` is resolved when the test ends, whatever happened. */
  function releaseAtEnd<T>(d: Deferred<T>, value?: T): Deferred<T> {
    releases.push(() => d.resolve(value as T));
    return d;
  }

  /** Makes sure a tick still in flight has finished before the database goes away. */
  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.push(promise.catch(() => undefined));
    return promise;
  }

  afterEach(async () => {
    jest.restoreAllMocks();
    for (const release of releases) release();
    await Promise.all(inFlight);
    for (const t of engines) await t.dispose();
    engines = [];
    releases = [];
    inFlight = [];
  });

  /** PostgreSQL only: returns once a session of this test's database waits for a row lock. */
  async function untilSomeoneWaitsForALock(t: TestEngine): Promise<void> {
    for (let i = 0; i < 5000; i++) {
      const [row] = await t.store.connection.statement().rows<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (row.n > 0) return;
    }
    throw new Error('No session ever waited for a lock');
  }

  async function ids(t: TestEngine, workflowName: string): Promise<string[]> {
    return (await t.client.list(workflowName, { pageSize: 100 })).instances.map((i) => i.id);
  }

  async function historyOf(t: TestEngine, workflowName: string, instanceId: string, runNumber?: number) {
    return t.client.history(workflowName, instanceId, { runNumber, pageSize: 100, includeLogs: true, order: 'asc' });
  }

  /** Brings instance `id` of the `life` workflow to `state`, sending it a `go` event "old" on the way. */
  async function reach(t: TestEngine, life: ReturnType<typeof lifeWorkflow>, id: string, state: InstanceStatus) {
    const send = (payload: string) => t.client.sendEvent('life', id, { type: 'go', payload, id: `${payload}-event` });
    let tick: Promise<unknown> | undefined;
    switch (state) {
      case 'queued':
        await t.client.create('life', { id });
        await send('old');
        break;
      case 'waiting':
        await t.client.create('life', { id, params: { sleep: true } });
        await t.client.tick();
        await send('old');
        break;
      case 'running':
      case 'waitingForPause':
        releaseAtEnd(life.gate);
        await t.client.create('life', { id, params: { hold: true } });
        tick = track(t.client.tick());
        await life.entered.promise;
        if (state === 'waitingForPause') await t.client.pause('life', id);
        await send('old');
        break;
      case 'paused':
        await t.client.create('life', { id });
        await t.client.pause('life', id);
        await send('old');
        break;
      case 'complete':
        await t.client.create('life', { id });
        await send('first');
        await send('old');
        await t.runUntilIdle();
        break;
      case 'errored':
        await t.client.create('life', { id, params: { fail: true } });
        await send('old');
        await t.runUntilIdle();
        break;
      case 'terminated':
        await t.client.create('life', { id });
        await send('old');
        await t.client.terminate('life', id);
        break;
      default:
        throw new Error(`cannot reach ${state}`);
    }
    expect((await t.client.get('life', id)).details.status).toBe(state);
    return { tick };
  }

  return { setup, releaseAtEnd, track, untilSomeoneWaitsForALock, ids, historyOf, reach };
}
