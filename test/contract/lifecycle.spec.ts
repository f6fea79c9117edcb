/**
 * Contract tests for the instance lifecycle (SPEC sections 1, 2, 3, 5 and 9), through the
 * programmatic client, on a real SQLite file and a real PostgreSQL database. Time only moves with
 * the ManualClock; the runner only moves with `tick`.
 */
import { createEngine, type EngineOptions } from '../../src/engine/create-engine';
import { defineWorkflow } from '../../src/engine/definition/define-workflow';
import type { WorkflowSource } from '../../src/engine/definition/registry';
import { EngineError, type EngineErrorCode } from '../../src/engine/errors';
import type { InstanceStatus } from '../../src/engine/model';
import { ManualClock } from '../../src/engine/testing/manual-clock';
import { TEST_DATABASES } from '../support/databases';
import { createTestEngine, type TestEngine } from '../support/test-engine';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ONE_MIB = 1024 * 1024;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** The EngineError a promise rejects with; fails the test when it resolves or throws anything else. */
async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  throw new Error(`Expected a rejection, got ${JSON.stringify(value)?.slice(0, 300)}`);
}

async function expectCode(promise: Promise<unknown>, code: EngineErrorCode): Promise<EngineError> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  return error;
}

/** Changes one character of `text` at `index` into another character of the base64url alphabet. */
function flipChar(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

// ---- workflows ----------------------------------------------------------------------------------

/** Three `step.do` steps and nothing else; counts callback calls per instance and step. */
function countingWorkflow(name = 'three') {
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

/** Two `step.do` steps; in run 1 the first one's callback waits for `gate` (after resolving `entered`). */
function gatedWorkflow(name = 'gated') {
  const gate = deferred<void>();
  const entered = deferred<void>();
  const calls = { first: 0, second: 0 };
  const wf = defineWorkflow({ name }, async (event, step) => {
    const first = await step.do('first', async () => {
      calls.first++;
      if (event.runNumber === 1) {
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

function sleeperWorkflow(name = 'sleeper') {
  const calls = { before: 0, after: 0 };
  const wf = defineWorkflow({ name }, async (_event, step) => {
    await step.do('before', async () => ++calls.before);
    await step.sleep('nap', '1 hour');
    await step.do('after', async () => ++calls.after);
    return 'slept';
  });
  return { wf, calls };
}

function waiterWorkflow(name = 'waiter') {
  const wf = defineWorkflow({ name }, async (_event, step) => {
    await step.do('prep', async () => 'prepared');
    const received = await step.waitForEvent<unknown>('w', { type: 'go', timeout: '1 day' });
    return received.payload;
  });
  return { wf };
}

function validatedWorkflow(name = 'validated') {
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
 * The workflow the state table is exercised on: step `a` (held on `gate` in run 1 when `hold`),
 * a log line, then (run 1 only) a failure or a 1-hour sleep, then a wait for a `go` event.
 */
function lifeWorkflow(name = 'life') {
  const gate = deferred<void>();
  const entered = deferred<void>();
  const aRuns: number[] = [];
  const wf = defineWorkflow<LifeParams | null>({ name }, async (event, step) => {
    const params = event.payload ?? {};
    const a = await step.do('a', async () => {
      aRuns.push(event.runNumber);
      if (params.hold && event.runNumber === 1) {
        entered.resolve();
        await gate.promise;
      }
      return `a${event.runNumber}`;
    });
    step.log.info(`after a in run ${event.runNumber}`);
    if (params.fail && event.runNumber === 1) throw new RangeError('boom');
    if (params.sleep && event.runNumber === 1) await step.sleep('nap', '1 hour');
    const received = await step.waitForEvent<string>('w', { type: 'go', timeout: '1 day' });
    return { a, got: received.payload };
  });
  return { wf, gate, entered, aRuns };
}

// ---- the suite ----------------------------------------------------------------------------------

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
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
    return t.client.history(workflowName, instanceId, { runNumber, pageSize: 100, includeLogs: true });
  }

  // ---- 1. create ------------------------------------------------------------------------------

  describe('create', () => {
    it('generates a UUID id when none is given and queues the instance', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const created = await t.client.create('three');
      expect(created.id).toMatch(UUID);
      expect(created).toEqual({ id: created.id, details: { status: 'queued' } });
      const other = await t.client.create('three', { params: { n: 2 } });
      expect(other.id).toMatch(UUID);
      expect(other.id).not.toBe(created.id);
      expect((await t.client.get('three', created.id)).details).toEqual({ status: 'queued' });
      expect((await ids(t, 'three')).sort()).toEqual([created.id, other.id].sort());
    });

    it('keeps a given id, including the boundary lengths 1 and 100', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      for (const id of ['order_42-a', '_x', '7', 'a'.repeat(100)]) {
        expect(await t.client.create('three', { id, params: { id } })).toEqual({ id, details: { status: 'queued' } });
        const view = await t.client.get('three', id);
        expect(view.id).toBe(id);
        expect(view.meta.params).toEqual({ id });
      }
    });

    it('rejects an id in use with INSTANCE_ID_ALREADY_EXISTS and leaves the first instance untouched', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'dup', params: { n: 1 } });
      await t.clock.advance(1);
      await expectCode(t.client.create('three', { id: 'dup', params: { n: 2 } }), 'INSTANCE_ID_ALREADY_EXISTS');
      const view = await t.client.get('three', 'dup');
      expect(view.meta.params).toEqual({ n: 1 });
      expect(view.meta.updatedAt).toBe(view.meta.createdAt);
      await t.runUntilIdle();
      // Still taken once the instance is finished.
      await expectCode(t.client.create('three', { id: 'dup' }), 'INSTANCE_ID_ALREADY_EXISTS');
      expect(await ids(t, 'three')).toEqual(['dup']);
    });

    it('lets exactly one of several racing creates with the same id succeed', async () => {
      const { wf, calls } = countingWorkflow();
      const t = await setup([wf]);
      const results = await Promise.allSettled([1, 2, 3, 4, 5].map((n) => t.client.create('three', { id: 'race', params: { n } })));
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(4);
      for (const r of rejected) {
        expect(r.reason).toBeInstanceOf(EngineError);
        expect((r.reason as EngineError).code).toBe('INSTANCE_ID_ALREADY_EXISTS');
      }
      const winner = results.findIndex((r) => r.status === 'fulfilled') + 1;
      expect((await t.client.get('three', 'race')).meta.params).toEqual({ n: winner });
      expect(await ids(t, 'three')).toEqual(['race']);
      // One queue row: the runner runs the instance once.
      expect(await t.runUntilIdle()).toBe(1);
      expect(calls).toEqual({ 'race:one': 1, 'race:two': 1, 'race:three': 1 });
    });

    it.each([
      ['empty', ''],
      ['leading dash', '-x'],
      ['space', 'a b'],
      ['101 chars', 'a'.repeat(101)],
      ['dot', 'a.b'],
      ['non-ASCII', 'é'],
    ])('rejects an invalid id (%s) with INVALID_INSTANCE_ID and creates nothing', async (_label, id) => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await expectCode(t.client.create('three', { id }), 'INVALID_INSTANCE_ID');
      expect(await ids(t, 'three')).toEqual([]);
    });

    it('rejects an unknown workflow with WORKFLOW_NOT_FOUND', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await expectCode(t.client.create('nope', { id: 'x' }), 'WORKFLOW_NOT_FOUND');
      await expectCode(t.client.createBatch('nope', [{ id: 'x' }]), 'WORKFLOW_NOT_FOUND');
      await expectCode(t.client.get('nope', 'x'), 'WORKFLOW_NOT_FOUND');
      await expectCode(t.client.list('nope'), 'WORKFLOW_NOT_FOUND');
    });

    it('validates params with a function schema: false or messages → WORKFLOW_PARAMS_INVALID, nothing created', async () => {
      const { wf } = validatedWorkflow();
      const t = await setup([wf]);

      const rejected = await expectCode(t.client.create('validated', { id: 'p1', params: { amount: 'no' } }), 'WORKFLOW_PARAMS_INVALID');
      const issues = rejected.details?.issues as unknown[];
      expect(Array.isArray(issues)).toBe(true);
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(typeof issue).toBe('string');

      const listed = await expectCode(t.client.create('validated', { id: 'p1', params: { amount: 'x' } }), 'WORKFLOW_PARAMS_INVALID');
      expect(listed.details?.issues).toEqual(['amount must be a number', 'amount is required']);
      await expectCode(t.client.create('validated', { id: 'p1' }), 'WORKFLOW_PARAMS_INVALID');

      await expectCode(t.client.get('validated', 'p1'), 'INSTANCE_NOT_FOUND');
      expect(await ids(t, 'validated')).toEqual([]);

      await t.client.create('validated', { id: 'p1', params: { amount: 5 } });
      await t.runUntilIdle();
      expect((await t.client.get('validated', 'p1')).details).toEqual({ status: 'complete', output: { amount: 5 } });
    });

    it('rejects params over 1 MiB serialised and creates nothing; exactly 1 MiB is accepted', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const tooBig = await rejection(t.client.create('three', { id: 'big', params: 'x'.repeat(ONE_MIB - 1) }));
      expect(['WORKFLOW_PARAMS_INVALID', 'PAYLOAD_TOO_LARGE']).toContain(tooBig.code);
      await expectCode(t.client.get('three', 'big'), 'INSTANCE_NOT_FOUND');
      expect(await ids(t, 'three')).toEqual([]);

      // JSON '"xxx…"' of exactly 1,048,576 bytes.
      const limit = 'x'.repeat(ONE_MIB - 2);
      await t.client.create('three', { id: 'limit', params: limit });
      expect((await t.client.get('three', 'limit')).meta.params).toBe(limit);
    });
  });

  // ---- 2. createBatch -------------------------------------------------------------------------

  describe('createBatch', () => {
    it('skips existing ids and ids repeated within the batch (first kept), returning only the created ones', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'b', params: { v: 'old' } });
      const created = await t.client.createBatch('three', [
        { id: 'a', params: { v: 1 } },
        { id: 'b', params: { v: 2 } },
        { id: 'c', params: { v: 3 } },
        { id: 'a', params: { v: 4 } },
        { id: 'd' },
      ]);
      expect(created).toEqual([
        { id: 'a', details: { status: 'queued' } },
        { id: 'c', details: { status: 'queued' } },
        { id: 'd', details: { status: 'queued' } },
      ]);
      expect((await t.client.get('three', 'a')).meta.params).toEqual({ v: 1 });
      expect((await t.client.get('three', 'b')).meta.params).toEqual({ v: 'old' });
      expect((await t.client.get('three', 'c')).meta.params).toEqual({ v: 3 });
      expect((await t.client.get('three', 'd')).meta.params).toBeNull();
      expect((await ids(t, 'three')).sort()).toEqual(['a', 'b', 'c', 'd']);
      expect(await t.client.createBatch('three', [{ id: 'a' }, { id: 'b' }])).toEqual([]);
      expect(await t.runUntilIdle()).toBe(4);
    });

    it('rejects more than 100 items (and none) with VALIDATION_ERROR; exactly 100 are created', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}` }));
      await expectCode(t.client.createBatch('three', items(101)), 'VALIDATION_ERROR');
      await expectCode(t.client.createBatch('three', []), 'VALIDATION_ERROR');
      expect(await ids(t, 'three')).toEqual([]);
      expect(await t.client.createBatch('three', items(100))).toHaveLength(100);
      const page = await t.client.list('three', { pageSize: 100 });
      expect(page.instances).toHaveLength(100);
      expect(page.hasNextPage).toBe(false);
    });

    it('fails the whole batch on an invalid id anywhere, with details.index, creating nothing', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const late = await expectCode(t.client.createBatch('three', [{ id: 'ok1' }, { id: 'ok2' }, { id: 'bad id' }]), 'INVALID_INSTANCE_ID');
      expect(late.details?.index).toBe(2);
      const first = await expectCode(t.client.createBatch('three', [{ params: { x: 1 } }, { id: 'ok3' }]), 'INVALID_INSTANCE_ID');
      expect(first.details?.index).toBe(0);
      const middle = await expectCode(t.client.createBatch('three', [{ id: 'ok4' }, { id: '-dash' }, { id: 'ok5' }]), 'INVALID_INSTANCE_ID');
      expect(middle.details?.index).toBe(1);
      expect(await ids(t, 'three')).toEqual([]);
      expect((await t.client.tick()).processed).toBe(0);
    });

    it('fails the whole batch on invalid params anywhere, with details.index, creating nothing', async () => {
      const { wf } = validatedWorkflow();
      const t = await setup([wf]);
      const invalid = await expectCode(
        t.client.createBatch('validated', [
          { id: 'v1', params: { amount: 1 } },
          { id: 'v2', params: { amount: 'x' } },
          { id: 'v3', params: { amount: 3 } },
        ]),
        'WORKFLOW_PARAMS_INVALID',
      );
      expect(invalid.details).toEqual(expect.objectContaining({ index: 1, issues: ['amount must be a number', 'amount is required'] }));
      expect(await ids(t, 'validated')).toEqual([]);

      const oversize = await rejection(
        t.client.createBatch('validated', [
          { id: 'v1', params: { amount: 1 } },
          { id: 'v2', params: { amount: 2, blob: 'x'.repeat(ONE_MIB) } },
        ]),
      );
      expect(['WORKFLOW_PARAMS_INVALID', 'PAYLOAD_TOO_LARGE']).toContain(oversize.code);
      expect(oversize.details?.index).toBe(1);
      expect(await ids(t, 'validated')).toEqual([]);
    });
  });

  // ---- 3. get ---------------------------------------------------------------------------------

  describe('get', () => {
    it('reports meta from creation to completion: startedAt, completedAt, currentStep, output', async () => {
      const { wf } = sleeperWorkflow();
      const t = await setup([wf]);
      const t0 = t.clock.now();
      await t.client.create('sleeper', { id: 'g1', params: { who: 'ann' } });
      const queued = await t.client.get('sleeper', 'g1');
      expect(queued).toEqual({
        id: 'g1',
        details: { status: 'queued' },
        meta: {
          workflowName: 'sleeper',
          runNumber: 1,
          params: { who: 'ann' },
          pauseRequested: false,
          createdAt: iso(t0),
          updatedAt: iso(t0),
          startedAt: null,
          completedAt: null,
        },
      });
      expect(queued.meta).not.toHaveProperty('currentStep');

      await t.clock.advance(5);
      expect(await t.client.tick()).toEqual({ processed: 1, nextWakeAt: new Date(t0 + 5 + HOUR) });
      const waiting = await t.client.get('sleeper', 'g1');
      expect(waiting.details).toEqual({ status: 'waiting' });
      expect(waiting.details).not.toHaveProperty('output');
      expect(waiting.meta).toEqual({
        workflowName: 'sleeper',
        runNumber: 1,
        params: { who: 'ann' },
        pauseRequested: false,
        createdAt: iso(t0),
        updatedAt: iso(t0 + 5),
        startedAt: iso(t0 + 5),
        completedAt: null,
        currentStep: {
          name: 'nap',
          type: 'sleep',
          status: 'waiting',
          attempts: 0,
          maxAttempts: null,
          timeoutMs: null,
          nextRetryAt: null,
          wakeAt: iso(t0 + 5 + HOUR),
          waitEventType: null,
        },
      });

      await t.clock.advance(HOUR);
      expect(await t.client.tick()).toEqual({ processed: 1 });
      const done = await t.client.get('sleeper', 'g1');
      expect(done.details).toEqual({ status: 'complete', output: 'slept' });
      expect(done.meta).toEqual({
        workflowName: 'sleeper',
        runNumber: 1,
        params: { who: 'ann' },
        pauseRequested: false,
        createdAt: iso(t0),
        updatedAt: iso(t0 + 5 + HOUR),
        startedAt: iso(t0 + 5),
        completedAt: iso(t0 + 5 + HOUR),
        currentStep: {
          name: 'after',
          type: 'do',
          status: 'completed',
          attempts: 1,
          maxAttempts: 6,
          timeoutMs: 10 * MINUTE,
          nextRetryAt: null,
          wakeAt: null,
          waitEventType: null,
        },
      });
    });

    it('reports error {name, message} and no output when errored', async () => {
      const wf = defineWorkflow({ name: 'failing' }, async (_event, step) => {
        await step.do('ok', async () => 1);
        await step.do('boom', { retries: { limit: 0, delay: 0 } }, async () => {
          throw new RangeError('out of range');
        });
        return 'unreachable';
      });
      const t = await setup([wf]);
      const t0 = t.clock.now();
      await t.client.create('failing', { id: 'e1' });
      await t.runUntilIdle();
      const view = await t.client.get('failing', 'e1');
      expect(view.details).toEqual({ status: 'errored', error: { name: 'RangeError', message: 'out of range' } });
      expect(view.details).not.toHaveProperty('output');
      expect(view.meta.completedAt).toBe(iso(t0));
      expect(view.meta.currentStep).toEqual({
        name: 'boom',
        type: 'do',
        status: 'errored',
        attempts: 1,
        maxAttempts: 1,
        timeoutMs: 10 * MINUTE,
        nextRetryAt: null,
        wakeAt: null,
        waitEventType: null,
        error: { name: 'RangeError', message: 'out of range' },
      });
    });

    it('rejects an unknown instance with INSTANCE_NOT_FOUND and a malformed id with INVALID_INSTANCE_ID', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await expectCode(t.client.get('three', 'missing'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.get('three', 'bad id'), 'INVALID_INSTANCE_ID');
      await expectCode(t.client.history('three', 'missing'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.pause('three', 'missing'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.restart('three', 'missing'), 'INSTANCE_NOT_FOUND');
    });
  });

  // ---- 4. list --------------------------------------------------------------------------------

  describe('list', () => {
    it('lists newest first and pages without duplicates or gaps while instances are created between pages', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      const t0 = t.clock.now();
      for (let i = 1; i <= 6; i++) {
        await t.client.create('three', { id: `i${i}` });
        await t.clock.advance(1);
      }
      const p1 = await t.client.list('three', { pageSize: 2 });
      expect(p1.instances).toEqual([
        { id: 'i6', details: { status: 'queued' }, createdAt: iso(t0 + 5), updatedAt: iso(t0 + 5) },
        { id: 'i5', details: { status: 'queued' }, createdAt: iso(t0 + 4), updatedAt: iso(t0 + 4) },
      ]);
      expect(p1.hasNextPage).toBe(true);
      expect(typeof p1.cursor).toBe('string');

      await t.client.create('three', { id: 'n1' });
      await t.clock.advance(1);
      const p2 = await t.client.list('three', { pageSize: 2, cursor: p1.cursor });
      expect(p2.instances.map((i) => i.id)).toEqual(['i4', 'i3']);
      expect(p2.hasNextPage).toBe(true);

      await t.client.create('three', { id: 'n2' });
      const p3 = await t.client.list('three', { pageSize: 2, cursor: p2.cursor });
      expect(p3.instances.map((i) => i.id)).toEqual(['i2', 'i1']);
      expect(p3.hasNextPage).toBe(false);
      expect(p3).not.toHaveProperty('cursor');

      const all = await t.client.list('three');
      expect(all.instances.map((i) => i.id)).toEqual(['n2', 'n1', 'i6', 'i5', 'i4', 'i3', 'i2', 'i1']);
      expect(all.hasNextPage).toBe(false);
    });

    it('pages through instances created in the same millisecond without duplicates or gaps', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'early' });
      await t.clock.advance(1);
      await t.client.createBatch('three', ['m4', 'm2', 'm7', 'm1', 'm6', 'm3', 'm5'].map((id) => ({ id })));
      await t.client.create('three', { id: 'm8' });

      const seen: string[] = [];
      const p1 = await t.client.list('three', { pageSize: 3 });
      seen.push(...p1.instances.map((i) => i.id));
      expect(seen).toEqual(['m8', 'm7', 'm6']);
      // Same millisecond as the page boundary: one sorts before it, one after.
      await t.client.create('three', { id: 'm65' });
      await t.client.create('three', { id: 'm0' });
      const p2 = await t.client.list('three', { pageSize: 3, cursor: p1.cursor });
      seen.push(...p2.instances.map((i) => i.id));
      const p3 = await t.client.list('three', { pageSize: 3, cursor: p2.cursor });
      seen.push(...p3.instances.map((i) => i.id));
      expect(p3.hasNextPage).toBe(true);
      const p4 = await t.client.list('three', { pageSize: 3, cursor: p3.cursor });
      seen.push(...p4.instances.map((i) => i.id));
      expect(p4.hasNextPage).toBe(false);
      expect(p4).not.toHaveProperty('cursor');
      expect(seen).toEqual(['m8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2', 'm1', 'm0', 'early']);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('filters by status, and pages within the filter', async () => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      for (let i = 1; i <= 5; i++) {
        await t.client.create('waiter', { id: `s${i}` });
        await t.clock.advance(1);
      }
      await t.client.pause('waiter', 's2');
      await t.client.pause('waiter', 's4');
      await t.client.terminate('waiter', 's5');
      const byStatus = async (status: InstanceStatus) => (await t.client.list('waiter', { status })).instances.map((i) => i.id);
      expect(await byStatus('paused')).toEqual(['s4', 's2']);
      expect(await byStatus('terminated')).toEqual(['s5']);
      expect(await byStatus('queued')).toEqual(['s3', 's1']);
      expect(await t.client.list('waiter', { status: 'complete' })).toEqual({ instances: [], hasNextPage: false });

      const first = await t.client.list('waiter', { status: 'paused', pageSize: 1 });
      expect(first.instances.map((i) => i.id)).toEqual(['s4']);
      expect(first.hasNextPage).toBe(true);
      const second = await t.client.list('waiter', { status: 'paused', pageSize: 1, cursor: first.cursor });
      expect(second.instances.map((i) => i.id)).toEqual(['s2']);
      expect(second.hasNextPage).toBe(false);

      await t.runUntilIdle();
      expect(await byStatus('waiting')).toEqual(['s3', 's1']);
      expect(await byStatus('queued')).toEqual([]);
    });

    it('rejects garbage, tampered and foreign cursors with INVALID_CURSOR', async () => {
      const alpha = countingWorkflow('alpha');
      const beta = countingWorkflow('beta');
      const t = await setup([alpha.wf, beta.wf]);
      for (let i = 1; i <= 3; i++) {
        await t.client.create('alpha', { id: `a${i}` });
        await t.client.create('beta', { id: `b${i}` });
        await t.clock.advance(1);
      }
      const cursor = (await t.client.list('alpha', { pageSize: 1 })).cursor!;
      expect(typeof cursor).toBe('string');
      // The genuine cursor works.
      expect((await t.client.list('alpha', { pageSize: 1, cursor })).instances.map((i) => i.id)).toEqual(['a2']);

      for (const garbage of ['garbage', 'abc.def', `${cursor}.x`, '....', 'eyJzIjoiaW5zdGFuY2VzOmFscGhhOioiLCJwIjp7fX0']) {
        await expectCode(t.client.list('alpha', { cursor: garbage }), 'INVALID_CURSOR');
      }
      const dot = cursor.indexOf('.');
      await expectCode(t.client.list('alpha', { cursor: flipChar(cursor, 3) }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { cursor: flipChar(cursor, dot + 3) }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { cursor: flipChar(cursor, cursor.length - 2) }), 'INVALID_CURSOR');

      // A re-encoded body with a changed position keeps the old signature: rejected.
      const body = JSON.parse(Buffer.from(cursor.slice(0, dot), 'base64url').toString('utf8'));
      body.p.createdAt += 1000;
      const forged = `${Buffer.from(JSON.stringify(body)).toString('base64url')}${cursor.slice(dot)}`;
      await expectCode(t.client.list('alpha', { cursor: forged }), 'INVALID_CURSOR');

      // Issued for another query.
      await expectCode(t.client.list('beta', { cursor }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { status: 'queued', cursor }), 'INVALID_CURSOR');
      const filtered = (await t.client.list('alpha', { status: 'queued', pageSize: 1 })).cursor!;
      expect(typeof filtered).toBe('string');
      await expectCode(t.client.list('alpha', { cursor: filtered }), 'INVALID_CURSOR');
      await expectCode(t.client.list('alpha', { status: 'paused', cursor: filtered }), 'INVALID_CURSOR');
    });

    it.each([0, 101, 1.5, -1, Number.NaN])('rejects pageSize %p with VALIDATION_ERROR', async (pageSize) => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      const error = await expectCode(t.client.list('three', { pageSize }), 'VALIDATION_ERROR');
      expect(Array.isArray(error.details?.issues)).toBe(true);
    });

    it('accepts pageSize 1 and 100', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      await t.clock.advance(1);
      await t.client.create('three', { id: 'y' });
      expect((await t.client.list('three', { pageSize: 1 })).instances.map((i) => i.id)).toEqual(['y']);
      expect((await t.client.list('three', { pageSize: 100 })).instances.map((i) => i.id)).toEqual(['y', 'x']);
    });

    it('rejects a status filter that is not one of the nine statuses with VALIDATION_ERROR (SPEC 3.1, 9)', async () => {
      const { wf } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      await expectCode(t.client.list('three', { status: 'bogus' as InstanceStatus }), 'VALIDATION_ERROR');
    });
  });

  // ---- 5. the state table ---------------------------------------------------------------------

  describe('transitions (SPEC section 2)', () => {
    it('pause on queued → paused, not claimed by tick; resume → queued, then it completes', async () => {
      const { wf, calls } = countingWorkflow();
      const t = await setup([wf]);
      const t0 = t.clock.now();
      await t.client.create('three', { id: 'q' });
      await t.clock.advance(1);
      expect(await t.client.pause('three', 'q')).toEqual({ id: 'q', details: { status: 'paused' } });
      const paused = await t.client.get('three', 'q');
      expect(paused.details).toEqual({ status: 'paused' });
      expect(paused.meta.updatedAt).toBe(iso(t0 + 1));
      expect(paused.meta.pauseRequested).toBe(false);

      expect(await t.client.tick()).toEqual({ processed: 0 });
      await t.clock.advance(24 * HOUR);
      expect(await t.client.tick()).toEqual({ processed: 0 });
      expect(calls).toEqual({});
      expect((await t.client.get('three', 'q')).details).toEqual({ status: 'paused' });

      expect(await t.client.resume('three', 'q')).toEqual({ id: 'q', details: { status: 'queued' } });
      expect((await t.client.get('three', 'q')).details).toEqual({ status: 'queued' });
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('three', 'q')).details).toEqual({ status: 'complete', output: ['one-done', 'two-done', 'three-done'] });
      expect(calls).toEqual({ 'q:one': 1, 'q:two': 1, 'q:three': 1 });
      const system = (await historyOf(t, 'three', 'q')).logs!.filter((l) => l.category === 'system').map((l) => l.message);
      expect(system).toEqual(expect.arrayContaining([expect.stringMatching(/paused/i), expect.stringMatching(/resumed/i)]));
    });

    it('pause on waiting (sleeping) → paused; its timer keeps counting; resume → queued, then it completes', async () => {
      const { wf, calls } = sleeperWorkflow();
      const t = await setup([wf]);
      await t.client.create('sleeper', { id: 's' });
      await t.client.tick();
      expect((await t.client.get('sleeper', 's')).details).toEqual({ status: 'waiting' });
      expect(await t.client.pause('sleeper', 's')).toEqual({ id: 's', details: { status: 'paused' } });
      await t.clock.advance(2 * HOUR);
      expect((await t.client.tick()).processed).toBe(0);
      expect((await t.client.get('sleeper', 's')).details).toEqual({ status: 'paused' });
      expect(calls.after).toBe(0);

      expect(await t.client.resume('sleeper', 's')).toEqual({ id: 's', details: { status: 'queued' } });
      // The hour passed while paused: one tick finishes it.
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('sleeper', 's')).details).toEqual({ status: 'complete', output: 'slept' });
      expect(calls).toEqual({ before: 1, after: 1 });
    });

    it('pause while running → waitingForPause, then paused at the next step boundary; the next step does not run', async () => {
      const { wf, gate, entered, calls } = gatedWorkflow();
      releaseAtEnd(gate);
      const t = await setup([wf]);
      await t.client.create('gated', { id: 'r' });
      const tick = track(t.client.tick());
      await entered.promise;
      expect((await t.client.get('gated', 'r')).details).toEqual({ status: 'running' });

      await t.clock.advance(1);
      expect(await t.client.pause('gated', 'r')).toEqual({ id: 'r', details: { status: 'waitingForPause' } });
      const pausing = await t.client.get('gated', 'r');
      expect(pausing.details).toEqual({ status: 'waitingForPause' });
      expect(pausing.meta.pauseRequested).toBe(true);
      // pause again: a no-op.
      await t.clock.advance(1);
      expect(await t.client.pause('gated', 'r')).toEqual({ id: 'r', details: { status: 'waitingForPause' } });
      expect((await t.client.get('gated', 'r')).meta.updatedAt).toBe(pausing.meta.updatedAt);

      gate.resolve();
      expect((await tick).processed).toBe(1);
      const paused = await t.client.get('gated', 'r');
      expect(paused.details).toEqual({ status: 'paused' });
      expect(paused.meta.pauseRequested).toBe(false);
      expect(calls).toEqual({ first: 1, second: 0 });
      const steps = (await historyOf(t, 'gated', 'r')).steps;
      expect(steps.map((s) => [s.name, s.status, s.result])).toEqual([['first', 'completed', 'first-1']]);
      expect((await t.client.tick()).processed).toBe(0);

      expect(await t.client.resume('gated', 'r')).toEqual({ id: 'r', details: { status: 'queued' } });
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('gated', 'r')).details).toEqual({ status: 'complete', output: { first: 'first-1', second: 'second-1' } });
      expect(calls).toEqual({ first: 1, second: 1 });
    });

    it('resume of waitingForPause → running: the request is withdrawn and the run continues to completion', async () => {
      const { wf, gate, entered, calls } = gatedWorkflow();
      releaseAtEnd(gate);
      const t = await setup([wf]);
      await t.client.create('gated', { id: 'r' });
      const tick = track(t.client.tick());
      await entered.promise;
      expect(await t.client.pause('gated', 'r')).toEqual({ id: 'r', details: { status: 'waitingForPause' } });
      expect(await t.client.resume('gated', 'r')).toEqual({ id: 'r', details: { status: 'running' } });
      const view = await t.client.get('gated', 'r');
      expect(view.details).toEqual({ status: 'running' });
      expect(view.meta.pauseRequested).toBe(false);

      gate.resolve();
      expect((await tick).processed).toBe(1);
      expect((await t.client.get('gated', 'r')).details).toEqual({ status: 'complete', output: { first: 'first-1', second: 'second-1' } });
      expect(calls).toEqual({ first: 1, second: 1 });
    });

    it('pause on paused and resume on queued, waiting and running are no-ops that change nothing', async () => {
      const gated = gatedWorkflow();
      releaseAtEnd(gated.gate);
      const sleeper = sleeperWorkflow();
      const t = await setup([gated.wf, sleeper.wf]);

      // resume on queued
      await t.client.create('sleeper', { id: 'q' });
      const before = await t.client.get('sleeper', 'q');
      await t.clock.advance(1);
      expect(await t.client.resume('sleeper', 'q')).toEqual({ id: 'q', details: { status: 'queued' } });
      expect(await t.client.get('sleeper', 'q')).toEqual(before);
      expect((await historyOf(t, 'sleeper', 'q')).logs).toEqual([]);

      // resume on waiting
      await t.client.tick();
      const waiting = await t.client.get('sleeper', 'q');
      expect(waiting.details).toEqual({ status: 'waiting' });
      await t.clock.advance(1);
      expect(await t.client.resume('sleeper', 'q')).toEqual({ id: 'q', details: { status: 'waiting' } });
      expect(await t.client.get('sleeper', 'q')).toEqual(waiting);
      expect((await t.client.tick()).processed).toBe(0);

      // pause on paused
      await t.client.pause('sleeper', 'q');
      const paused = await t.client.get('sleeper', 'q');
      const logCount = (await historyOf(t, 'sleeper', 'q')).logs!.length;
      await t.clock.advance(1);
      expect(await t.client.pause('sleeper', 'q')).toEqual({ id: 'q', details: { status: 'paused' } });
      expect(await t.client.get('sleeper', 'q')).toEqual(paused);
      expect((await historyOf(t, 'sleeper', 'q')).logs).toHaveLength(logCount);

      // resume on running
      await t.client.create('gated', { id: 'r' });
      const tick = track(t.client.tick());
      await gated.entered.promise;
      const running = await t.client.get('gated', 'r');
      await t.clock.advance(1);
      expect(await t.client.resume('gated', 'r')).toEqual({ id: 'r', details: { status: 'running' } });
      expect(await t.client.get('gated', 'r')).toEqual(running);
      gated.gate.resolve();
      await tick;
      expect((await t.client.get('gated', 'r')).details.status).toBe('complete');
    });

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

    it.each(['queued', 'waiting', 'running', 'waitingForPause', 'paused'] as InstanceStatus[])(
      'terminate from %s → terminated, and it stays terminated',
      async (state) => {
        const life = lifeWorkflow();
        const t = await setup([life.wf]);
        const { tick } = await reach(t, life, 'x', state);
        await t.clock.advance(7);
        const at = t.clock.now();
        expect(await t.client.terminate('life', 'x')).toEqual({ id: 'x', details: { status: 'terminated' } });
        const view = await t.client.get('life', 'x');
        expect(view.details).toEqual({ status: 'terminated' });
        expect(view.meta.completedAt).toBe(iso(at));
        expect(view.meta.updatedAt).toBe(iso(at));
        life.gate.resolve();
        if (tick) await tick;
        await t.clock.advance(2 * 24 * HOUR);
        expect((await t.client.tick()).processed).toBe(0);
        expect((await t.client.get('life', 'x')).details).toEqual({ status: 'terminated' });
        const history = await historyOf(t, 'life', 'x');
        if (state === 'waiting') expect(history.steps.map((s) => [s.name, s.status])).toEqual([['a', 'completed'], ['nap', 'waiting']]);
        else expect(history.steps).toEqual([]);
        expect(history.logs!.some((l) => l.category === 'system' && /terminated/i.test(l.message))).toBe(true);
      },
    );

    it.each(['complete', 'errored', 'terminated'] as InstanceStatus[])(
      'pause, resume, terminate and sendEvent on %s → INSTANCE_TERMINAL, nothing changes',
      async (state) => {
        const life = lifeWorkflow();
        const t = await setup([life.wf]);
        await reach(t, life, 'x', state);
        const before = await t.client.get('life', 'x');
        const historyBefore = await historyOf(t, 'life', 'x');
        await t.clock.advance(1);
        await expectCode(t.client.pause('life', 'x'), 'INSTANCE_TERMINAL');
        await expectCode(t.client.resume('life', 'x'), 'INSTANCE_TERMINAL');
        await expectCode(t.client.terminate('life', 'x'), 'INSTANCE_TERMINAL');
        await expectCode(t.client.sendEvent('life', 'x', { type: 'go', payload: 'late' }), 'INSTANCE_TERMINAL');
        await expectCode(t.client.sendEvent('life', 'x', { type: 'go', payload: 'late', id: 'late-1' }), 'INSTANCE_TERMINAL');
        expect(await t.client.get('life', 'x')).toEqual(before);
        expect(await historyOf(t, 'life', 'x')).toEqual(historyBefore);
        expect((await t.client.tick()).processed).toBe(0);
      },
    );

    const RUN1_STEPS: Record<string, [string, string][]> = {
      queued: [],
      waiting: [
        ['a', 'completed'],
        ['nap', 'waiting'],
      ],
      running: [],
      waitingForPause: [],
      paused: [],
      complete: [
        ['a', 'completed'],
        ['w', 'completed'],
      ],
      errored: [['a', 'completed']],
      terminated: [],
    };

    it.each(Object.keys(RUN1_STEPS) as InstanceStatus[])(
      'restart from %s → new run queued; run 1 stays readable; run 1 events are never delivered to run 2',
      async (state) => {
        const life = lifeWorkflow();
        const t = await setup([life.wf]);
        const { tick } = await reach(t, life, 'x', state);
        const original = await t.client.get('life', 'x');
        expect(original.meta.runNumber).toBe(1);
        const run1Before = await historyOf(t, 'life', 'x', 1);

        await t.clock.advance(3);
        expect(await t.client.restart('life', 'x')).toEqual({ id: 'x', details: { status: 'queued' } });
        const restarted = await t.client.get('life', 'x');
        expect(restarted).toEqual({
          id: 'x',
          details: { status: 'queued' },
          meta: {
            workflowName: 'life',
            runNumber: 2,
            params: original.meta.params,
            pauseRequested: false,
            createdAt: original.meta.createdAt,
            updatedAt: iso(t.clock.now()),
            startedAt: null,
            completedAt: null,
          },
        });
        const run2 = await historyOf(t, 'life', 'x');
        expect(run2.runNumber).toBe(2);
        expect(run2.steps).toEqual([]);
        expect(run2.events).toEqual([]);
        expect(run2.logs!.some((l) => l.category === 'system' && /restart/i.test(l.message))).toBe(true);

        // Run 2 runs from scratch (concurrently with a run-1 step still in flight, when there is one).
        await t.runUntilIdle();
        const waiting = await t.client.get('life', 'x');
        expect(waiting.details).toEqual({ status: 'waiting' });
        expect(waiting.meta.currentStep).toMatchObject({ name: 'w', type: 'waitForEvent', status: 'waiting', waitEventType: 'go' });
        expect((await historyOf(t, 'life', 'x', 2)).events).toEqual([]);

        // Let a held run-1 step finish: its late writes are rejected.
        life.gate.resolve();
        if (tick) await tick;
        expect((await t.client.get('life', 'x')).details).toEqual({ status: 'waiting' });

        const run1 = await historyOf(t, 'life', 'x', 1);
        expect(run1.runNumber).toBe(1);
        expect(run1.steps.map((s) => [s.name, s.status])).toEqual(RUN1_STEPS[state]);
        expect(run1.steps).toEqual(run1Before.steps);
        const old = run1.events.find((e) => e.id === 'old-event');
        expect(old).toMatchObject({ runNumber: 1, type: 'go', payload: 'old', deliveredAt: null, consumedByStep: null });
        expect(run1.logs!.length).toBeGreaterThanOrEqual(run1Before.logs!.length);
        if (state === 'complete') {
          expect(run1.events.find((e) => e.id === 'first-event')).toMatchObject({ payload: 'first', consumedByStep: 'w' });
          expect(run1.logs!.map((l) => l.message)).toContain('after a in run 1');
        }
        if (state === 'errored') expect(run1.logs!.some((l) => l.level === 'error' && /boom/.test(l.message))).toBe(true);

        const sent = await t.client.sendEvent('life', 'x', { type: 'go', payload: 'new' });
        expect(sent.status).toEqual({ status: 'queued' });
        await t.runUntilIdle();
        expect((await t.client.get('life', 'x')).details).toEqual({ status: 'complete', output: { a: 'a2', got: 'new' } });
        expect(life.aRuns.filter((run) => run === 2)).toHaveLength(1);
        const finalRun2 = await historyOf(t, 'life', 'x', 2);
        expect(finalRun2.events.map((e) => [e.payload, e.consumedByStep])).toEqual([['new', 'w']]);
        // Run 1 is still as it was.
        expect((await historyOf(t, 'life', 'x', 1)).events.find((e) => e.id === 'old-event')?.deliveredAt).toBeNull();
        expect((await historyOf(t, 'life', 'x', 1)).steps).toEqual(run1.steps);
      },
    );

    it('a pause committed while the runner is suspending the run is not lost', async () => {
      const calls = { after: 0 };
      const wf = defineWorkflow({ name: 'napper' }, async (_event, step) => {
        await step.do('first', async () => 1);
        await step.sleep('nap', '1 hour');
        await step.do('after', async () => ++calls.after);
      });
      const t = await setup([wf]);
      await t.client.create('napper', { id: 'x' });

      // Interleaving: the pause takes the instance's locks and writes; the runner's suspension commit
      // starts (on PostgreSQL it waits for the pause's row lock); then the pause commits.
      const original = t.store.transaction.bind(t.store);
      const pauseHeld = deferred<void>();
      const letPauseCommit = releaseAtEnd(deferred<void>());
      let pausing: Promise<unknown> | undefined;
      let call = 0;
      jest.spyOn(t.store, 'transaction').mockImplementation((async (work: Parameters<typeof original>[0]) => {
        call++;
        if (call === 2) {
          return original(async (tx: Parameters<Parameters<typeof original>[0]>[0]) => {
            const result = await work(tx);
            pauseHeld.resolve();
            await letPauseCommit.promise;
            return result;
          });
        }
        if (call === 1) {
          pausing = track(t.client.pause('napper', 'x'));
          await pauseHeld.promise;
          const suspended = original(work);
          if (kind === 'postgres') await untilSomeoneWaitsForALock(t);
          letPauseCommit.resolve();
          return suspended;
        }
        return original(work);
      }) as typeof original);

      expect((await t.client.tick()).processed).toBe(1);
      // 1: the runner's suspension (its step was saved without `transaction`), 2: the pause.
      expect(call).toBe(2);
      expect(await pausing).toEqual({ id: 'x', details: { status: 'waitingForPause' } });
      // Serialised either way round, pause-then-suspend and suspend-then-pause both end paused.
      expect((await t.client.get('napper', 'x')).details).toEqual({ status: 'paused' });
      await t.clock.advance(2 * HOUR);
      expect((await t.client.tick()).processed).toBe(0);
      expect(calls.after).toBe(0);
    });

    it('restart twice: runNumber counts up and every earlier run stays readable', async () => {
      const { wf, calls } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      await t.runUntilIdle();
      await t.client.restart('three', 'x');
      await t.runUntilIdle();
      await t.client.restart('three', 'x');
      expect((await t.client.get('three', 'x')).meta.runNumber).toBe(3);
      await t.runUntilIdle();
      expect((await t.client.get('three', 'x')).details.status).toBe('complete');
      for (const run of [1, 2, 3]) {
        const history = await historyOf(t, 'three', 'x', run);
        expect(history.runNumber).toBe(run);
        expect(history.steps.map((s) => [s.runNumber, s.name, s.status])).toEqual([
          [run, 'one', 'completed'],
          [run, 'two', 'completed'],
          [run, 'three', 'completed'],
        ]);
      }
      expect(calls).toEqual({ 'x:one': 3, 'x:two': 3, 'x:three': 3 });
    });
  });

  // ---- 6. stale writers -----------------------------------------------------------------------

  describe('in-flight steps', () => {
    it('terminate while a step is in flight: its late result is not written and the instance stays terminated', async () => {
      const { wf, gate, entered, calls } = gatedWorkflow();
      releaseAtEnd(gate);
      const t = await setup([wf]);
      await t.client.create('gated', { id: 'x' });
      const tick = track(t.client.tick());
      await entered.promise;
      expect(await t.client.terminate('gated', 'x')).toEqual({ id: 'x', details: { status: 'terminated' } });
      gate.resolve();
      expect((await tick).processed).toBe(1);
      const view = await t.client.get('gated', 'x');
      expect(view.details).toEqual({ status: 'terminated' });
      expect(view.meta).not.toHaveProperty('currentStep');
      const history = await historyOf(t, 'gated', 'x');
      expect(history.steps).toEqual([]);
      expect(history.logs!.some((l) => /completed/i.test(l.message))).toBe(false);
      expect(calls).toEqual({ first: 1, second: 0 });
      expect((await t.client.tick()).processed).toBe(0);
    });

    it('restart while a step is in flight: the old run writes nothing more, the new run runs from scratch', async () => {
      const { wf, gate, entered, calls } = gatedWorkflow();
      releaseAtEnd(gate);
      const t = await setup([wf]);
      await t.client.create('gated', { id: 'x' });
      const oldTick = track(t.client.tick());
      await entered.promise;
      expect(await t.client.restart('gated', 'x')).toEqual({ id: 'x', details: { status: 'queued' } });

      expect((await t.client.tick()).processed).toBe(1);
      const output = { first: 'first-2', second: 'second-2' };
      expect((await t.client.get('gated', 'x')).details).toEqual({ status: 'complete', output });

      gate.resolve();
      expect((await oldTick).processed).toBe(1);
      const view = await t.client.get('gated', 'x');
      expect(view.details).toEqual({ status: 'complete', output });
      expect(view.meta.runNumber).toBe(2);
      expect((await historyOf(t, 'gated', 'x', 1)).steps).toEqual([]);
      expect((await historyOf(t, 'gated', 'x', 2)).steps.map((s) => [s.name, s.result])).toEqual([
        ['first', 'first-2'],
        ['second', 'second-2'],
      ]);
      expect(calls).toEqual({ first: 2, second: 1 });
    });
  });

  // ---- 7, 8. several runners ------------------------------------------------------------------

  describe('several runners on one store', () => {
    it('concurrent ticks of two engines execute each step once', async () => {
      const { wf, calls } = countingWorkflow();
      const t = await setup([wf], { runnerId: 'A' });
      const b = createEngine({ store: t.store, workflows: [wf], clock: t.clock, runnerId: 'B' });

      await t.client.create('three', { id: 'solo' });
      const [ra, rb] = await Promise.all([t.client.tick(), b.client.tick()]);
      expect(ra.processed + rb.processed).toBe(1);
      expect(calls).toEqual({ 'solo:one': 1, 'solo:two': 1, 'solo:three': 1 });
      expect((await t.client.get('three', 'solo')).details.status).toBe('complete');

      const many = Array.from({ length: 6 }, (_, i) => ({ id: `m${i}` }));
      await t.client.createBatch('three', many);
      const results = await Promise.all([t.client.tick(), b.client.tick(), t.client.tick(), b.client.tick()]);
      expect(results.reduce((sum, r) => sum + r.processed, 0)).toBe(6);
      for (const { id } of many) {
        expect((await t.client.get('three', id)).details.status).toBe('complete');
        for (const step of ['one', 'two', 'three']) expect(calls[`${id}:${step}`]).toBe(1);
      }
    });

    it('takes over a crashed runner after its lease expires; the stale runner\'s late result is not written', async () => {
      const hung = releaseAtEnd(deferred<string>(), 'A');
      const entered = deferred<void>();
      let invocations = 0;
      const wf = defineWorkflow({ name: 'lease' }, async (_event, step) => {
        const who = await step.do('work', async () => {
          invocations++;
          if (invocations === 1) {
            entered.resolve();
            return hung.promise;
          }
          return 'B';
        });
        return who;
      });
      const t = await setup([wf], { runnerId: 'A', leaseMs: 30_000 });
      const clockA = t.clock;
      const t0 = clockA.now();
      await t.client.create('lease', { id: 'L' });
      const tickA = track(t.client.tick());
      await entered.promise;

      const clockB = new ManualClock(t0);
      const b = createEngine({ store: t.store, workflows: [wf], clock: clockB, runnerId: 'B', leaseMs: 30_000 });
      await clockB.advance(10_000);
      expect(await b.client.tick()).toEqual({ processed: 0, nextWakeAt: new Date(t0 + 30_000) });
      expect(invocations).toBe(1);
      expect((await t.client.get('lease', 'L')).details).toEqual({ status: 'running' });

      await clockB.advance(21_000);
      expect((await b.client.tick()).processed).toBe(1);
      expect(invocations).toBe(2);
      expect((await t.client.get('lease', 'L')).details).toEqual({ status: 'complete', output: 'B' });

      hung.resolve('A');
      expect((await tickA).processed).toBe(1);
      expect((await t.client.get('lease', 'L')).details).toEqual({ status: 'complete', output: 'B' });
      const steps = (await historyOf(t, 'lease', 'L')).steps;
      expect(steps.map((s) => [s.name, s.status, s.result, s.attempts])).toEqual([['work', 'completed', 'B', 1]]);
      expect(invocations).toBe(2);
    });
  });

  // ---- 9. events ------------------------------------------------------------------------------

  describe('sendEvent', () => {
    it('is idempotent on the event id: one stored event, the same receipt', async () => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      const t0 = t.clock.now();
      await t.client.create('waiter', { id: 'x' });
      const first = await t.client.sendEvent('waiter', 'x', { type: 'note', payload: { n: 1 }, id: 'evt-1' });
      expect(first).toEqual({ status: { status: 'queued' }, event: { id: 'evt-1', type: 'note', createdAt: iso(t0) } });
      await t.clock.advance(5);
      const again = await t.client.sendEvent('waiter', 'x', { type: 'note', payload: { n: 2 }, id: 'evt-1' });
      expect(again.event).toEqual(first.event);
      const events = (await historyOf(t, 'waiter', 'x')).events;
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ id: 'evt-1', runNumber: 1, type: 'note', payload: { n: 1 }, createdAt: iso(t0), deliveredAt: null });

      const generated = await t.client.sendEvent('waiter', 'x', { type: 'note' });
      expect(generated.event.id).toMatch(UUID);
      expect((await historyOf(t, 'waiter', 'x')).events).toHaveLength(2);
    });

    it.each([
      ['empty', ''],
      ['leading dash', '-x'],
      ['space', 'a b'],
      ['101 chars', 't'.repeat(101)],
      ['missing', undefined],
    ])('rejects an invalid event type (%s) with INVALID_EVENT_TYPE, storing nothing', async (_label, type) => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      await t.client.create('waiter', { id: 'x' });
      await expectCode(t.client.sendEvent('waiter', 'x', { type: type as string }), 'INVALID_EVENT_TYPE');
      expect((await historyOf(t, 'waiter', 'x')).events).toEqual([]);
      // 100 characters is fine.
      await t.client.sendEvent('waiter', 'x', { type: 't'.repeat(100) });
    });

    it('rejects an unknown instance with INSTANCE_NOT_FOUND and an unknown workflow with WORKFLOW_NOT_FOUND', async () => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      await expectCode(t.client.sendEvent('waiter', 'missing', { type: 'go' }), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.sendEvent('nope', 'missing', { type: 'go' }), 'WORKFLOW_NOT_FOUND');
    });

    it('wakes a waiting instance at once (queued) and the runner delivers it', async () => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      await t.client.create('waiter', { id: 'x' });
      await t.client.tick();
      expect((await t.client.get('waiter', 'x')).details).toEqual({ status: 'waiting' });

      const other = await t.client.sendEvent('waiter', 'x', { type: 'other' });
      expect(other.status).toEqual({ status: 'waiting' });
      expect((await t.client.tick()).processed).toBe(0);

      await t.clock.advance(2);
      const sent = await t.client.sendEvent('waiter', 'x', { type: 'go', payload: { ok: true }, id: 'go-1' });
      expect(sent.status).toEqual({ status: 'queued' });
      expect((await t.client.get('waiter', 'x')).details).toEqual({ status: 'queued' });
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('waiter', 'x')).details).toEqual({ status: 'complete', output: { ok: true } });
      const go = (await historyOf(t, 'waiter', 'x')).events.find((e) => e.id === 'go-1');
      expect(go).toMatchObject({ type: 'go', deliveredAt: iso(t.clock.now()), consumedByStep: 'w' });
    });

    it('does not lose an event sent while the instance is running, before the wait is reached', async () => {
      const wf = defineWorkflow({ name: 'selfsend' }, async (event, step, ctx) => {
        const statusWhenSent = await step.do('send', async () => {
          const sent = await ctx.workflows.sendEvent('selfsend', event.instanceId, { type: 'go', payload: 'early', id: 'early-1' });
          return sent.status.status;
        });
        const received = await step.waitForEvent<string>('w', { type: 'go', timeout: '1 hour' });
        return { statusWhenSent, payload: received.payload };
      });
      const t = await setup([wf]);
      await t.client.create('selfsend', { id: 'x' });
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('selfsend', 'x')).details).toEqual({
        status: 'complete',
        output: { statusWhenSent: 'running', payload: 'early' },
      });
      expect((await historyOf(t, 'selfsend', 'x')).events).toMatchObject([{ id: 'early-1', consumedByStep: 'w' }]);
    });

    it('delivers an event sent while running once the run reaches its wait after a sleep', async () => {
      const wf = defineWorkflow({ name: 'later' }, async (event, step, ctx) => {
        await step.do('send', async () => {
          await ctx.workflows.sendEvent('later', event.instanceId, { type: 'go', payload: 'kept' });
        });
        await step.sleep('nap', '1 minute');
        return (await step.waitForEvent<string>('w', { type: 'go', timeout: '1 hour' })).payload;
      });
      const t = await setup([wf]);
      await t.client.create('later', { id: 'x' });
      await t.client.tick();
      expect((await t.client.get('later', 'x')).details).toEqual({ status: 'waiting' });
      await t.clock.advance(MINUTE);
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('later', 'x')).details).toEqual({ status: 'complete', output: 'kept' });
    });

    it('does not lose an event stored after the run looked for it and before it suspended', async () => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      await t.client.create('waiter', { id: 'x' });
      const peek = t.store.peekEvent.bind(t.store);
      let sent = false;
      jest.spyOn(t.store, 'peekEvent').mockImplementation(async (...args) => {
        const found = await peek(...args);
        if (!sent) {
          sent = true;
          const receipt = await t.client.sendEvent('waiter', 'x', { type: 'go', payload: 'in-between' });
          expect(receipt.status).toEqual({ status: 'running' });
        }
        return found;
      });
      expect((await t.client.tick()).processed).toBe(1);
      expect(sent).toBe(true);
      // Not parked for a day: runnable now.
      expect((await t.client.get('waiter', 'x')).details).toEqual({ status: 'queued' });
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('waiter', 'x')).details).toEqual({ status: 'complete', output: 'in-between' });
    });

    it('stores an event sent while paused and delivers it after resume', async () => {
      const { wf } = waiterWorkflow();
      const t = await setup([wf]);
      await t.client.create('waiter', { id: 'x' });
      await t.client.tick();
      await t.client.pause('waiter', 'x');
      const sent = await t.client.sendEvent('waiter', 'x', { type: 'go', payload: 'held' });
      expect(sent.status).toEqual({ status: 'paused' });
      expect((await t.client.tick()).processed).toBe(0);
      expect((await t.client.get('waiter', 'x')).details).toEqual({ status: 'paused' });
      await t.client.resume('waiter', 'x');
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('waiter', 'x')).details).toEqual({ status: 'complete', output: 'held' });
    });
  });

  // ---- 10. write count ------------------------------------------------------------------------

  describe('writes', () => {
    it('a 3-step workflow completes in one tick with 1 claim + 3 step transactions + 1 finish transaction', async () => {
      const { wf, calls } = countingWorkflow();
      const t = await setup([wf]);
      // Every store write is one database transaction (one statement on PostgreSQL); count them all.
      const writes = ['createInstances', 'claimDue', 'saveProgress', 'finishRun', 'transaction'] as const;
      const spies = Object.fromEntries(writes.map((name) => [name, jest.spyOn(t.store, name)]));
      await t.client.create('three', { id: 'w' });
      expect(await t.client.tick()).toEqual({ processed: 1 });
      expect(Object.fromEntries(writes.map((name) => [name, spies[name].mock.calls.length]))).toEqual({
        createInstances: 1,
        claimDue: 1,
        saveProgress: 3,
        finishRun: 1,
        transaction: 0,
      });
      expect((await t.client.get('three', 'w')).details).toEqual({ status: 'complete', output: ['one-done', 'two-done', 'three-done'] });
      expect(calls).toEqual({ 'w:one': 1, 'w:two': 1, 'w:three': 1 });
    });
  });

  // ---- 11. history ----------------------------------------------------------------------------

  describe('history', () => {
    async function chattyEngine() {
      const wf = defineWorkflow({ name: 'chatty' }, async (_event, step) => {
        for (let i = 1; i <= 5; i++) {
          await step.do(`s${i}`, async () => i);
          step.log.info(`line ${i}`);
        }
        await step.waitForEvent('w', { type: 'done', timeout: '1 hour' });
      });
      const t = await setup([wf]);
      await t.client.create('chatty', { id: 'h' });
      for (let i = 1; i <= 5; i++) await t.client.sendEvent('chatty', 'h', { type: 'note', payload: i, id: `n${i}` });
      await t.runUntilIdle();
      expect((await t.client.get('chatty', 'h')).details).toEqual({ status: 'waiting' });
      return t;
    }

    type Stream = 'steps' | 'events' | 'logs';
    const cursorKey = { steps: 'stepsCursor', events: 'eventsCursor', logs: 'logsCursor' } as const;
    const moreKey = { steps: 'stepsHasNextPage', events: 'eventsHasNextPage', logs: 'logsHasNextPage' } as const;

    async function pageThrough(t: TestEngine, stream: Stream, order: 'asc' | 'desc'): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await t.client.history('chatty', 'h', { pageSize: 2, order, includeLogs: true, [cursorKey[stream]]: cursor });
        const rows = page[stream] as { id: string }[];
        expect(rows.length).toBeLessThanOrEqual(2);
        seen.push(...rows.map((r) => r.id));
        if (!page[moreKey[stream]]) {
          expect(page).not.toHaveProperty(cursorKey[stream]);
          return seen;
        }
        cursor = page[cursorKey[stream]];
        expect(typeof cursor).toBe('string');
      }
      throw new Error('too many pages');
    }

    it('pages steps, events and logs independently with pageSize 2, in both orders', async () => {
      const t = await chattyEngine();
      const full = await t.client.history('chatty', 'h', { pageSize: 100, includeLogs: true });
      expect(full.steps.map((s) => s.name)).toEqual(['s1', 's2', 's3', 's4', 's5', 'w']);
      expect(full.events.map((e) => e.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
      expect(full.logs!.filter((l) => l.category === 'workflow').map((l) => l.message)).toEqual([
        'line 1',
        'line 2',
        'line 3',
        'line 4',
        'line 5',
      ]);
      expect(full.logs!.length).toBeGreaterThan(5);

      for (const stream of ['steps', 'events', 'logs'] as Stream[]) {
        const all = (full[stream] as { id: string }[]).map((r) => r.id);
        expect(await pageThrough(t, stream, 'asc')).toEqual(all);
        expect(await pageThrough(t, stream, 'desc')).toEqual([...all].reverse());
      }

      const first = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true });
      expect(first.steps.map((s) => s.name)).toEqual(['s1', 's2']);
      expect(first.events.map((e) => e.id)).toEqual(['n1', 'n2']);
      expect(first.logs).toHaveLength(2);
      expect(first).toMatchObject({ stepsHasNextPage: true, eventsHasNextPage: true, logsHasNextPage: true });

      // Advancing one stream leaves the others on their first page.
      const stepsOnly = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, stepsCursor: first.stepsCursor });
      expect(stepsOnly.steps.map((s) => s.name)).toEqual(['s3', 's4']);
      expect(stepsOnly.events.map((e) => e.id)).toEqual(['n1', 'n2']);
      expect(stepsOnly.logs!.map((l) => l.id)).toEqual(first.logs!.map((l) => l.id));
      const eventsOnly = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, eventsCursor: first.eventsCursor });
      expect(eventsOnly.steps.map((s) => s.name)).toEqual(['s1', 's2']);
      expect(eventsOnly.events.map((e) => e.id)).toEqual(['n3', 'n4']);
      const logsOnly = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, logsCursor: first.logsCursor });
      expect(logsOnly.steps.map((s) => s.name)).toEqual(['s1', 's2']);
      expect(logsOnly.logs!.map((l) => l.id)).toEqual(full.logs!.slice(2, 4).map((l) => l.id));

      const desc = await t.client.history('chatty', 'h', { pageSize: 2, order: 'desc' });
      expect(desc.steps.map((s) => s.name)).toEqual(['w', 's5']);
      expect(desc.events.map((e) => e.id)).toEqual(['n5', 'n4']);

      const withoutLogs = await t.client.history('chatty', 'h');
      expect(withoutLogs).not.toHaveProperty('logs');
      expect(withoutLogs).not.toHaveProperty('logsCursor');
      expect(withoutLogs).not.toHaveProperty('logsHasNextPage');
    });

    it('rejects a runNumber out of range with VALIDATION_ERROR', async () => {
      const t = await chattyEngine();
      for (const runNumber of [0, 2, -1, 1.5]) {
        await expectCode(t.client.history('chatty', 'h', { runNumber }), 'VALIDATION_ERROR');
      }
      expect((await t.client.history('chatty', 'h', { runNumber: 1 })).runNumber).toBe(1);
      await t.client.restart('chatty', 'h');
      expect((await t.client.history('chatty', 'h', { runNumber: 2 })).runNumber).toBe(2);
      await expectCode(t.client.history('chatty', 'h', { runNumber: 3 }), 'VALIDATION_ERROR');
    });

    it('rejects foreign and tampered cursors with INVALID_CURSOR', async () => {
      const t = await chattyEngine();
      const page = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true });
      const { stepsCursor, eventsCursor, logsCursor } = page;
      expect([typeof stepsCursor, typeof eventsCursor, typeof logsCursor]).toEqual(['string', 'string', 'string']);

      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, eventsCursor: stepsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, stepsCursor: eventsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, logsCursor: stepsCursor }), 'INVALID_CURSOR');
      // Same stream, other query: another order, another log filter, another instance, a list cursor.
      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, order: 'desc', stepsCursor }), 'INVALID_CURSOR');
      await expectCode(
        t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, logLevel: 'warn', logsCursor }),
        'INVALID_CURSOR',
      );
      await t.client.create('chatty', { id: 'other' });
      await expectCode(t.client.history('chatty', 'other', { pageSize: 2, stepsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.list('chatty', { cursor: stepsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { stepsCursor: flipChar(stepsCursor!, 2) }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { eventsCursor: 'garbage' }), 'INVALID_CURSOR');
      // A cursor of run 1 is not one of run 2.
      await t.client.restart('chatty', 'h');
      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, stepsCursor }), 'INVALID_CURSOR');
      expect((await t.client.history('chatty', 'h', { runNumber: 1, pageSize: 2, stepsCursor })).steps.map((s) => s.name)).toEqual([
        's3',
        's4',
      ]);
    });

    it('rejects pageSize 0, 101 and 1.5 with VALIDATION_ERROR', async () => {
      const t = await chattyEngine();
      for (const pageSize of [0, 101, 1.5]) await expectCode(t.client.history('chatty', 'h', { pageSize }), 'VALIDATION_ERROR');
    });

    it('rejects an order other than asc|desc with VALIDATION_ERROR (SPEC 3.1, 9)', async () => {
      const t = await chattyEngine();
      await expectCode(t.client.history('chatty', 'h', { order: 'sideways' as 'asc' }), 'VALIDATION_ERROR');
    });

    it('rejects a logLevel that is not one of the four levels with VALIDATION_ERROR (SPEC 3.1, 9)', async () => {
      const t = await chattyEngine();
      await expectCode(t.client.history('chatty', 'h', { includeLogs: true, logLevel: 'loud' as 'info' }), 'VALIDATION_ERROR');
    });

    it('filters logs by level (that level and more severe) and category', async () => {
      const wf = defineWorkflow({ name: 'levels' }, async (_event, step) => {
        await step.do('s', async () => {
          step.log.debug('d');
          step.log.info('i');
          step.log.warn('w', { k: 1 }, { category: 'audit' });
          step.log.error('e');
        });
      });
      const t = await setup([wf]);
      await t.client.create('levels', { id: 'x' });
      await t.runUntilIdle();
      const messages = async (options: { logLevel?: 'debug' | 'info' | 'warn' | 'error'; logCategory?: string }) =>
        (await t.client.history('levels', 'x', { includeLogs: true, ...options })).logs!
          .filter((l) => l.category !== 'system')
          .map((l) => l.message);
      expect(await messages({})).toEqual(['d', 'i', 'w', 'e']);
      expect(await messages({ logLevel: 'warn' })).toEqual(['w', 'e']);
      expect(await messages({ logLevel: 'error' })).toEqual(['e']);
      expect(await messages({ logCategory: 'audit' })).toEqual(['w']);
      const audit = (await t.client.history('levels', 'x', { includeLogs: true, logCategory: 'audit' })).logs!;
      expect(audit).toMatchObject([{ stepName: 's', attempt: 1, level: 'warn', category: 'audit', data: { k: 1 }, isReplay: false }]);
    });
  });
});
