/**
 * Contract tests for SPEC sections 1, 2 and 5: what workflow code sees from `step.do`,
 * `step.sleep`/`sleepUntil`, `step.waitForEvent` and `step.log`, and how the runner advances,
 * suspends and replays instances. Every test runs on a real SQLite file and a real PostgreSQL
 * database, with a manual clock: time only moves with `clock.advance`, the runner only with `tick`.
 */
import { type Duration, NonRetryableError, defineWorkflow } from '../../src/engine';
import type { EngineOptions } from '../../src/engine/create-engine';
import type { WorkflowSource } from '../../src/engine/definition/registry';
import type { StepView } from '../../src/engine/views';
import type { HistoryOptions } from '../../src/engine/queries/instance-queries';
import { TEST_DATABASES } from '../support/databases';
import { type TestEngine, createTestEngine } from '../support/test-engine';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ONE_MIB = 1024 * 1024;

const iso = (ms: number): string => new Date(ms).toISOString();

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Lets callbacks queued on promises and I/O run once. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function errorInfo(error: unknown): { name: string; message: string } {
  const { name, message } = error as { name: string; message: string };
  return { name, message };
}

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  let T0: number;

  async function start(workflows: WorkflowSource[], options: Partial<EngineOptions> = {}): Promise<TestEngine> {
    t = await createTestEngine(kind, workflows, options);
    T0 = t.clock.now();
    return t;
  }

  afterEach(async () => {
    await t?.dispose();
    t = undefined as unknown as TestEngine;
  });

  const details = async (workflow: string, id: string) => (await t.client.get(workflow, id)).details;
  const tick = async (options?: { maxSteps?: number }) => (await t.client.tick(options)).processed;

  async function steps(workflow: string, id: string): Promise<StepView[]> {
    return (await t.client.history(workflow, id, { pageSize: 100 })).steps;
  }

  async function stepRow(workflow: string, id: string, name: string): Promise<StepView> {
    const row = (await steps(workflow, id)).find((s) => s.name === name);
    if (!row) throw new Error(`No step row named "${name}"`);
    return row;
  }

  async function logs(workflow: string, id: string, options: HistoryOptions = {}) {
    const history = await t.client.history(workflow, id, { includeLogs: true, pageSize: 100, ...options });
    return history.logs!;
  }

  async function events(workflow: string, id: string) {
    return (await t.client.history(workflow, id, { pageSize: 100 })).events;
  }

  // ---------------------------------------------------------------------------------------------
  describe('step.do results and replay', () => {
    it('stores the result, returns its JSON round-trip on the first run, and replays completed steps without calling them again', async () => {
      const calls = { first: 0, empty: 0, last: 0 };
      const seen: unknown[] = [];
      const wf = defineWorkflow({ name: 'do-replay' }, async (_event, step) => {
        const first = await step.do('first', async () => {
          calls.first++;
          return { n: 1, at: new Date(Date.UTC(2030, 0, 2)), nested: { list: [1, 'two', null] }, dropped: undefined };
        });
        const empty = await step.do('empty', async () => {
          calls.empty++;
          return undefined;
        });
        seen.push({ first, emptyIsUndefined: empty === undefined, atType: typeof (first as { at: unknown }).at });
        await step.sleep('nap', '1 minute');
        const last = await step.do('last', () => {
          calls.last++;
          return 42;
        });
        return { first, last };
      });
      await start([wf]);
      await t.client.create('do-replay', { id: 'i1' });

      const roundTripped = { n: 1, at: '2030-01-02T00:00:00.000Z', nested: { list: [1, 'two', null] } };
      expect(await tick()).toBe(1);
      expect(calls).toEqual({ first: 1, empty: 1, last: 0 });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toStrictEqual({ first: roundTripped, emptyIsUndefined: true, atType: 'string' });
      expect(await details('do-replay', 'i1')).toEqual({ status: 'waiting' });
      expect(await steps('do-replay', 'i1')).toMatchObject([
        { name: 'first', type: 'do', status: 'completed', attempts: 1, result: roundTripped, nextRetryAt: null },
        { name: 'empty', type: 'do', status: 'completed', attempts: 1, result: null },
        { name: 'nap', type: 'sleep', status: 'waiting', wakeAt: iso(T0 + MINUTE) },
      ]);

      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect(calls).toEqual({ first: 1, empty: 1, last: 1 });
      expect(seen).toHaveLength(2);
      expect(seen[1]).toStrictEqual(seen[0]);
      expect(await details('do-replay', 'i1')).toEqual({ status: 'complete', output: { first: roundTripped, last: 42 } });
      expect(await stepRow('do-replay', 'i1', 'last')).toMatchObject({ status: 'completed', result: 42 });
      expect(await tick()).toBe(0);
    });

    it('a completed step name used again later in the same run returns the stored value without calling the callback', async () => {
      let calls = 0;
      const wf = defineWorkflow({ name: 'do-reuse' }, async (_event, step) => {
        const a = await step.do('once', () => ++calls * 10);
        const b = await step.do('once', () => ++calls * 10);
        return [a, b];
      });
      await start([wf]);
      await t.client.create('do-reuse', { id: 'i1' });
      await t.runUntilIdle();
      expect(calls).toBe(1);
      expect(await details('do-reuse', 'i1')).toEqual({ status: 'complete', output: [10, 10] });
      expect(await steps('do-reuse', 'i1')).toHaveLength(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('retries', () => {
    it('defaults to 5 retries (6 attempts) and a 10 minute timeout per attempt', async () => {
      const wf = defineWorkflow({ name: 'defaults' }, async (_event, step) => step.do('plain', () => 'ok'));
      await start([wf]);
      await t.client.create('defaults', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('defaults', 'i1', 'plain')).toMatchObject({
        status: 'completed',
        attempts: 1,
        maxAttempts: 6,
        timeoutMs: 600_000,
        nextRetryAt: null,
        result: 'ok',
      });
      expect((await t.client.get('defaults', 'i1')).meta.currentStep).toMatchObject({ name: 'plain', maxAttempts: 6, timeoutMs: 600_000 });
    });

    it('defaults to an exponential backoff from 10 seconds (10 s, then 20 s)', async () => {
      const attempts: number[] = [];
      const wf = defineWorkflow({ name: 'default-backoff' }, async (_event, step) =>
        step.do('fails', ({ attempt }) => {
          attempts.push(attempt);
          throw new Error(`failure ${attempt}`);
        }),
      );
      await start([wf]);
      await t.client.create('default-backoff', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('default-backoff', 'i1', 'fails')).toMatchObject({
        status: 'waiting',
        attempts: 1,
        maxAttempts: 6,
        nextRetryAt: iso(T0 + 10 * SECOND),
      });
      await t.clock.advance(10 * SECOND - 1);
      expect(await tick()).toBe(0);
      await t.clock.advance(1);
      expect(await tick()).toBe(1);
      expect(attempts).toEqual([1, 2]);
      expect(await stepRow('default-backoff', 'i1', 'fails')).toMatchObject({
        status: 'waiting',
        attempts: 2,
        nextRetryAt: iso(T0 + 10 * SECOND + 20 * SECOND),
        error: { name: 'Error', message: 'failure 2' },
      });
    });

    it.each([
      ['constant', [1000, 1000, 1000]],
      ['linear', [1000, 2000, 3000]],
      ['exponential', [1000, 2000, 4000]],
    ] as const)(
      '%s backoff with delay 1 second and limit 3 waits %j between attempts, then errors the step and the instance',
      async (backoff, delays) => {
        const attempts: number[] = [];
        const wf = defineWorkflow({ name: 'backoff' }, async (_event, step) => {
          await step.do('always-fails', { retries: { limit: 3, delay: '1 second', backoff } }, async ({ attempt }) => {
            attempts.push(attempt);
            throw new TypeError(`failure #${attempt}`);
          });
          return 'unreachable';
        });
        await start([wf]);
        await t.client.create('backoff', { id: 'i1' });

        expect(await tick()).toBe(1);
        let failedAt = T0;
        for (let i = 0; i < delays.length; i++) {
          const dueAt = failedAt + delays[i];
          expect(await stepRow('backoff', 'i1', 'always-fails')).toMatchObject({
            status: 'waiting',
            attempts: i + 1,
            maxAttempts: 4,
            nextRetryAt: iso(dueAt),
            error: { name: 'TypeError', message: `failure #${i + 1}` },
          });
          expect(await details('backoff', 'i1')).toEqual({ status: 'waiting' });

          await t.clock.advance(delays[i] - 1);
          const early = await t.client.tick();
          expect(early.processed).toBe(0);
          expect(early.nextWakeAt).toEqual(new Date(dueAt));
          expect(attempts).toHaveLength(i + 1);
          expect(await details('backoff', 'i1')).toEqual({ status: 'waiting' });

          await t.clock.advance(1);
          failedAt = dueAt;
          expect(await tick()).toBe(1);
        }

        expect(attempts).toEqual([1, 2, 3, 4]);
        expect(await stepRow('backoff', 'i1', 'always-fails')).toMatchObject({
          status: 'errored',
          attempts: 4,
          maxAttempts: 4,
          nextRetryAt: null,
          error: { name: 'TypeError', message: 'failure #4' },
        });
        expect(await details('backoff', 'i1')).toEqual({ status: 'errored', error: { name: 'TypeError', message: 'failure #4' } });
        await t.clock.advance(DAY);
        expect(await tick()).toBe(0);
        expect(attempts).toHaveLength(4);
      },
    );

    it('unlimited retries (limit Infinity) store maxAttempts null and keep retrying until the callback succeeds', async () => {
      const attempts: number[] = [];
      const wf = defineWorkflow({ name: 'unlimited' }, async (_event, step) =>
        step.do('eventually', { retries: { limit: Infinity, delay: '1 second', backoff: 'constant' } }, ({ attempt }) => {
          attempts.push(attempt);
          if (attempt < 3) throw new Error('not yet');
          return `ok on ${attempt}`;
        }),
      );
      await start([wf]);
      await t.client.create('unlimited', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('unlimited', 'i1', 'eventually')).toMatchObject({ status: 'waiting', attempts: 1, maxAttempts: null });
      await t.clock.advance(SECOND);
      expect(await tick()).toBe(1);
      await t.clock.advance(SECOND);
      expect(await tick()).toBe(1);
      expect(attempts).toEqual([1, 2, 3]);
      expect(await stepRow('unlimited', 'i1', 'eventually')).toMatchObject({
        status: 'completed',
        attempts: 3,
        maxAttempts: null,
        nextRetryAt: null,
        result: 'ok on 3',
      });
      expect(await details('unlimited', 'i1')).toEqual({ status: 'complete', output: 'ok on 3' });
    });

    it('a workflow that catches an exhausted step error continues and completes; replays throw the same error again', async () => {
      let calls = 0;
      const caught: { name: string; message: string }[] = [];
      const wf = defineWorkflow({ name: 'catches' }, async (_event, step) => {
        let recovered: string;
        try {
          await step.do('doomed', { retries: { limit: 0, delay: 0 } }, () => {
            calls++;
            throw new RangeError('out of range');
          });
          recovered = 'no';
        } catch (error) {
          caught.push(errorInfo(error));
          recovered = 'yes';
        }
        await step.sleep('nap', '1 minute');
        return { recovered, caughtSoFar: caught.length };
      });
      await start([wf]);
      await t.client.create('catches', { id: 'i1' });

      expect(await tick()).toBe(1);
      expect(caught).toEqual([{ name: 'RangeError', message: 'out of range' }]);
      expect(await details('catches', 'i1')).toEqual({ status: 'waiting' });
      expect(await stepRow('catches', 'i1', 'doomed')).toMatchObject({
        status: 'errored',
        attempts: 1,
        maxAttempts: 1,
        error: { name: 'RangeError', message: 'out of range' },
      });

      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect(calls).toBe(1);
      expect(caught).toEqual([
        { name: 'RangeError', message: 'out of range' },
        { name: 'RangeError', message: 'out of range' },
      ]);
      expect(await details('catches', 'i1')).toEqual({ status: 'complete', output: { recovered: 'yes', caughtSoFar: 2 } });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('non-retryable errors', () => {
    class PaymentDeclined extends NonRetryableError {
      constructor(message: string) {
        super(message);
        this.name = 'PaymentDeclined';
      }
    }
    /** A workflow module's own copy of the class (SPEC: errors are recognised by name). */
    class LocalNonRetryable extends Error {}
    Object.defineProperty(LocalNonRetryable, 'name', { value: 'NonRetryableError' });
    class LocalFatal extends LocalNonRetryable {
      constructor(message: string) {
        super(message);
        this.name = 'LocalFatal';
      }
    }

    it.each([
      ['a NonRetryableError', () => new NonRetryableError('stop now'), { name: 'NonRetryableError', message: 'stop now' }],
      ['a subclass with its own name', () => new PaymentDeclined('card declined'), { name: 'PaymentDeclined', message: 'card declined' }],
      [
        "a plain object named 'NonRetryableError'",
        () => ({ name: 'NonRetryableError', message: 'plain object' }),
        { name: 'NonRetryableError', message: 'plain object' },
      ],
      [
        "a subclass of the module's own NonRetryableError class",
        () => new LocalFatal('own copy'),
        { name: 'LocalFatal', message: 'own copy' },
      ],
    ])('%s is not retried: one attempt, step and instance errored', async (_label, makeError, expected) => {
      const attempts: number[] = [];
      const wf = defineWorkflow({ name: 'non-retryable' }, async (_event, step) => {
        await step.do('throws', { retries: { limit: 3, delay: '1 second' } }, ({ attempt }) => {
          attempts.push(attempt);
          throw makeError();
        });
      });
      await start([wf]);
      await t.client.create('non-retryable', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(attempts).toEqual([1]);
      expect(await stepRow('non-retryable', 'i1', 'throws')).toMatchObject({
        status: 'errored',
        attempts: 1,
        maxAttempts: 4,
        nextRetryAt: null,
        error: expected,
      });
      expect(await details('non-retryable', 'i1')).toEqual({ status: 'errored', error: expected });
      await t.clock.advance(HOUR);
      expect(await tick()).toBe(0);
      expect(attempts).toEqual([1]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('attempt timeout', () => {
    it('an attempt that never settles fails with StepTimeoutError when its timeout passes', async () => {
      const started = deferred();
      const wf = defineWorkflow({ name: 'hangs' }, async (_event, step) => {
        await step.do('forever', { timeout: '5 seconds', retries: { limit: 0, delay: 0 } }, () => {
          started.resolve();
          return new Promise<never>(() => undefined);
        });
      });
      await start([wf]);
      await t.client.create('hangs', { id: 'i1' });

      const p = t.client.tick();
      await started.promise;
      await t.clock.advance(4999);
      expect(await details('hangs', 'i1')).toEqual({ status: 'running' });
      await t.clock.advance(1);
      expect((await p).processed).toBe(1);

      const row = await stepRow('hangs', 'i1', 'forever');
      expect(row).toMatchObject({ status: 'errored', attempts: 1, maxAttempts: 1, timeoutMs: 5000, error: { name: 'StepTimeoutError' } });
      const status = await details('hangs', 'i1');
      expect(status).toMatchObject({ status: 'errored', error: { name: 'StepTimeoutError' } });
      expect(status.error!.message).toEqual(row.error!.message);
    });

    it('a timed-out attempt is retried when retries remain (attempt 2), and its late result is discarded', async () => {
      const started = [deferred(), deferred()];
      const late = deferred<string>();
      const attempts: number[] = [];
      const wf = defineWorkflow({ name: 'slow-then-fast' }, async (_event, step) =>
        step.do('slow', { timeout: '5 seconds', retries: { limit: 1, delay: '1 second', backoff: 'constant' } }, ({ attempt }) => {
          attempts.push(attempt);
          started[attempt - 1].resolve();
          return attempt === 1 ? late.promise : 'fresh';
        }),
      );
      await start([wf]);
      await t.client.create('slow-then-fast', { id: 'i1' });

      const p = t.client.tick();
      await started[0].promise;
      await t.clock.advance(5000);
      expect((await p).processed).toBe(1);
      expect(await stepRow('slow-then-fast', 'i1', 'slow')).toMatchObject({
        status: 'waiting',
        attempts: 1,
        nextRetryAt: iso(T0 + 5000 + 1000),
        result: null,
        error: { name: 'StepTimeoutError' },
      });

      late.resolve('late');
      await flush();
      await flush();
      expect(await stepRow('slow-then-fast', 'i1', 'slow')).toMatchObject({ status: 'waiting', attempts: 1, result: null });
      expect(await details('slow-then-fast', 'i1')).toEqual({ status: 'waiting' });

      await t.clock.advance(1000);
      expect(await tick()).toBe(1);
      expect(attempts).toEqual([1, 2]);
      expect(await stepRow('slow-then-fast', 'i1', 'slow')).toMatchObject({ status: 'completed', attempts: 2, result: 'fresh' });
      expect(await details('slow-then-fast', 'i1')).toEqual({ status: 'complete', output: 'fresh' });
    });

    it('a late result of the last attempt after its timeout changes nothing', async () => {
      const started = deferred();
      const late = deferred<string>();
      const wf = defineWorkflow({ name: 'late' }, async (_event, step) =>
        step.do('slow', { timeout: '5 seconds', retries: { limit: 0, delay: 0 } }, () => {
          started.resolve();
          return late.promise;
        }),
      );
      await start([wf]);
      await t.client.create('late', { id: 'i1' });
      const p = t.client.tick();
      await started.promise;
      await t.clock.advance(5000);
      await p;
      late.resolve('too late');
      await flush();
      await flush();
      expect(await tick()).toBe(0);
      expect(await stepRow('late', 'i1', 'slow')).toMatchObject({ status: 'errored', result: null, error: { name: 'StepTimeoutError' } });
      expect(await details('late', 'i1')).toMatchObject({ status: 'errored', error: { name: 'StepTimeoutError' } });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('StepResultError', () => {
    const circular = () => {
      const value: Record<string, unknown> = { a: 1 };
      value.self = value;
      return value;
    };
    it.each([
      ['a function', () => () => 'fn'],
      ['a BigInt', () => BigInt(10)],
      ['a value over 1 MiB serialised', () => 'x'.repeat(ONE_MIB)],
      ['a circular structure', circular],
    ])('a step returning %s fails without retry with StepResultError', async (_label, makeResult) => {
      let calls = 0;
      const wf = defineWorkflow({ name: 'bad-result' }, async (_event, step) => {
        await step.do('returns', { retries: { limit: 3, delay: '1 second' } }, () => {
          calls++;
          return makeResult() as unknown;
        });
      });
      await start([wf]);
      await t.client.create('bad-result', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(calls).toBe(1);
      expect(await stepRow('bad-result', 'i1', 'returns')).toMatchObject({
        status: 'errored',
        attempts: 1,
        nextRetryAt: null,
        result: null,
        error: { name: 'StepResultError' },
      });
      expect(await details('bad-result', 'i1')).toMatchObject({ status: 'errored', error: { name: 'StepResultError' } });
      await t.clock.advance(HOUR);
      expect(await tick()).toBe(0);
      expect(calls).toBe(1);
    });

    it('a result of exactly 1 MiB serialised is accepted', async () => {
      const wf = defineWorkflow({ name: 'big-result' }, async (_event, step) => {
        const text = await step.do('returns', () => 'y'.repeat(ONE_MIB - 2));
        return text.length;
      });
      await start([wf]);
      await t.client.create('big-result', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await details('big-result', 'i1')).toEqual({ status: 'complete', output: ONE_MIB - 2 });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('sleep and sleepUntil', () => {
    it('fixes the wake time when the sleep first runs; a replay before it does not push it later', async () => {
      let afterSleep = 0;
      const wf = defineWorkflow({ name: 'sleeper' }, async (_event, step) => {
        await step.sleep('nap', '1 hour');
        afterSleep++;
        return 'awake';
      });
      await start([wf]);
      await t.client.create('sleeper', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('sleeper', 'i1', 'nap')).toMatchObject({ type: 'sleep', status: 'waiting', wakeAt: iso(T0 + HOUR) });
      expect(await details('sleeper', 'i1')).toEqual({ status: 'waiting' });

      // Force a replay half-way: pause then resume makes the run due now.
      await t.clock.advance(30 * MINUTE);
      expect(await tick()).toBe(0);
      expect((await t.client.pause('sleeper', 'i1')).details).toEqual({ status: 'paused' });
      expect((await t.client.resume('sleeper', 'i1')).details).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(afterSleep).toBe(0);
      expect(await details('sleeper', 'i1')).toEqual({ status: 'waiting' });
      expect(await stepRow('sleeper', 'i1', 'nap')).toMatchObject({ status: 'waiting', wakeAt: iso(T0 + HOUR) });

      await t.clock.advance(30 * MINUTE - 1);
      expect(await tick()).toBe(0);
      await t.clock.advance(1);
      expect(await tick()).toBe(1);
      expect(afterSleep).toBe(1);
      expect(await details('sleeper', 'i1')).toEqual({ status: 'complete', output: 'awake' });
      expect(await stepRow('sleeper', 'i1', 'nap')).toMatchObject({ status: 'completed', wakeAt: iso(T0 + HOUR) });
    });

    it('a sleep of 0 and a sleepUntil in the past complete in the same tick', async () => {
      const wf = defineWorkflow({ name: 'no-wait' }, async (event, step) => {
        await step.sleep('zero', 0);
        await step.sleepUntil('past', new Date(event.timestamp.getTime() - 1000));
        return step.do('after', () => 'done');
      });
      await start([wf]);
      await t.client.create('no-wait', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await details('no-wait', 'i1')).toEqual({ status: 'complete', output: 'done' });
      expect(await steps('no-wait', 'i1')).toMatchObject([
        { name: 'zero', type: 'sleep', status: 'completed', wakeAt: iso(T0) },
        { name: 'past', type: 'sleep', status: 'completed', wakeAt: iso(T0 - 1000) },
        { name: 'after', type: 'do', status: 'completed' },
      ]);
      expect(await tick()).toBe(0);
    });

    it('sleepUntil accepts a Date, epoch milliseconds and an ISO string', async () => {
      const wf = defineWorkflow({ name: 'until' }, async (event, step) => {
        const base = event.timestamp.getTime();
        await Promise.all([
          step.sleepUntil('date', new Date(base + 1000)),
          step.sleepUntil('epoch', base + 2000),
          step.sleepUntil('text', new Date(base + 3000).toISOString()),
        ]);
        return 'woke';
      });
      await start([wf]);
      await t.client.create('until', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await steps('until', 'i1')).toMatchObject([
        { name: 'date', status: 'waiting', wakeAt: iso(T0 + 1000) },
        { name: 'epoch', status: 'waiting', wakeAt: iso(T0 + 2000) },
        { name: 'text', status: 'waiting', wakeAt: iso(T0 + 3000) },
      ]);
      expect((await t.client.tick()).nextWakeAt).toEqual(new Date(T0 + 1000));
      await t.clock.advance(3000);
      await t.runUntilIdle();
      expect(await details('until', 'i1')).toEqual({ status: 'complete', output: 'woke' });
    });

    it.each([
      ['2 hours', 2 * HOUR],
      ['1.5 s', 1500],
      ['3 weeks', 21 * DAY],
      ['250 ms', 250],
      ['10 sec', 10 * SECOND],
      ['2 min', 2 * MINUTE],
      ['1 d', DAY],
      ['365 days', 365 * DAY],
      [90_000, 90_000],
    ] as [Duration, number][])('duration %j parses to %d ms (wakeAt)', async (duration, ms) => {
      const wf = defineWorkflow({ name: 'durations' }, async (_event, step) => {
        await step.sleep('nap', duration);
      });
      await start([wf]);
      await t.client.create('durations', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('durations', 'i1', 'nap')).toMatchObject({ status: 'waiting', wakeAt: iso(T0 + ms) });
      expect(await details('durations', 'i1')).toEqual({ status: 'waiting' });
    });

    it.each([
      ['abc', (step: StepLike) => step.sleep('bad', 'abc' as Duration)],
      ['-1', (step: StepLike) => step.sleep('bad', -1)],
      ['366 days', (step: StepLike) => step.sleep('bad', '366 days')],
      ['NaN', (step: StepLike) => step.sleep('bad', Number.NaN)],
      ['an unknown unit ("1 fortnight")', (step: StepLike) => step.sleep('bad', '1 fortnight' as Duration)],
      ['a unit named like an Object.prototype member ("1 constructor")', (step: StepLike) => step.sleep('bad', '1 constructor' as Duration)],
      ['sleepUntil more than 365 days ahead', (step: StepLike) => step.sleepUntil('bad', Date.UTC(2031, 0, 2))],
      ['sleepUntil with an unparseable date', (step: StepLike) => step.sleepUntil('bad', 'not a date')],
    ])('an invalid duration (%s) errors the step with InvalidDurationError', async (_label, sleep) => {
      const wf = defineWorkflow({ name: 'bad-sleep' }, async (_event, step) => {
        await sleep(step);
        return 'slept';
      });
      await start([wf]);
      await t.client.create('bad-sleep', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await details('bad-sleep', 'i1')).toMatchObject({ status: 'errored', error: { name: 'InvalidDurationError' } });
      expect(await stepRow('bad-sleep', 'i1', 'bad')).toMatchObject({ type: 'sleep', status: 'errored', error: { name: 'InvalidDurationError' } });
    });

    it('timers keep running while paused: after resume past the wake time the run proceeds without sleeping again', async () => {
      let afterSleep = 0;
      const wf = defineWorkflow({ name: 'paused-sleeper' }, async (_event, step) => {
        await step.sleep('nap', '1 hour');
        afterSleep++;
        return 'done';
      });
      await start([wf]);
      await t.client.create('paused-sleeper', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect((await t.client.pause('paused-sleeper', 'i1')).details).toEqual({ status: 'paused' });

      await t.clock.advance(2 * HOUR);
      expect(await tick()).toBe(0);
      expect(await details('paused-sleeper', 'i1')).toEqual({ status: 'paused' });
      expect(afterSleep).toBe(0);

      expect((await t.client.resume('paused-sleeper', 'i1')).details).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(afterSleep).toBe(1);
      expect(await details('paused-sleeper', 'i1')).toEqual({ status: 'complete', output: 'done' });
      expect(await stepRow('paused-sleeper', 'i1', 'nap')).toMatchObject({ status: 'completed', wakeAt: iso(T0 + HOUR) });
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('waitForEvent', () => {
    it('consumes an event sent before the wait began and returns { type, payload, timestamp: Date }, also on replay', async () => {
      const shapes: unknown[] = [];
      const wf = defineWorkflow({ name: 'buffered' }, async (_event, step) => {
        const received = await step.waitForEvent<{ ok: number }>('approval', { type: 'approve' });
        shapes.push({ keys: Object.keys(received).sort(), isDate: received.timestamp instanceof Date });
        await step.sleep('nap', '1 minute');
        return { type: received.type, payload: received.payload, timestamp: received.timestamp.toISOString() };
      });
      await start([wf]);
      await t.client.create('buffered', { id: 'i1' });
      await t.clock.advance(5);
      const sent = await t.client.sendEvent('buffered', 'i1', { type: 'approve', payload: { ok: 1 } });
      expect(sent.event.createdAt).toBe(iso(T0 + 5));

      expect(await tick()).toBe(1);
      expect(await stepRow('buffered', 'i1', 'approval')).toMatchObject({
        type: 'waitForEvent',
        status: 'completed',
        waitEventType: 'approve',
        result: { type: 'approve', payload: { ok: 1 }, timestamp: iso(T0 + 5) },
      });
      expect(await events('buffered', 'i1')).toMatchObject([
        { id: sent.event.id, type: 'approve', payload: { ok: 1 }, deliveredAt: iso(T0 + 5), consumedByStep: 'approval' },
      ]);

      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      const shape = { keys: ['payload', 'timestamp', 'type'], isDate: true };
      expect(shapes).toEqual([shape, shape]);
      expect(await details('buffered', 'i1')).toEqual({
        status: 'complete',
        output: { type: 'approve', payload: { ok: 1 }, timestamp: iso(T0 + 5) },
      });
    });

    it('delivers events of one type first in, first out to sequential waits', async () => {
      const wf = defineWorkflow({ name: 'fifo' }, async (_event, step) => {
        const first = await step.waitForEvent('first', { type: 'item' });
        const second = await step.waitForEvent('second', { type: 'item' });
        const third = await step.waitForEvent('third', { type: 'item' });
        return [first.payload, second.payload, third.payload];
      });
      await start([wf]);
      await t.client.create('fifo', { id: 'i1' });
      const a = await t.client.sendEvent('fifo', 'i1', { type: 'item', payload: 'A' });
      const b = await t.client.sendEvent('fifo', 'i1', { type: 'item', payload: 'B' });
      expect(await tick()).toBe(1);
      expect(await details('fifo', 'i1')).toEqual({ status: 'waiting' });
      expect(await stepRow('fifo', 'i1', 'third')).toMatchObject({ status: 'waiting', waitEventType: 'item' });

      await t.clock.advance(SECOND);
      const c = await t.client.sendEvent('fifo', 'i1', { type: 'item', payload: 'C' });
      expect(c.status).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(await details('fifo', 'i1')).toEqual({ status: 'complete', output: ['A', 'B', 'C'] });
      expect(await events('fifo', 'i1')).toMatchObject([
        { id: a.event.id, payload: 'A', consumedByStep: 'first', deliveredAt: iso(T0) },
        { id: b.event.id, payload: 'B', consumedByStep: 'second', deliveredAt: iso(T0) },
        { id: c.event.id, payload: 'C', consumedByStep: 'third', deliveredAt: iso(T0 + SECOND) },
      ]);
    });

    it('consumes each event at most once: a second wait of the same type does not get the same event', async () => {
      const wf = defineWorkflow({ name: 'once' }, async (_event, step) => {
        const first = await step.waitForEvent('a', { type: 'ping', timeout: '1 minute' });
        try {
          await step.waitForEvent('b', { type: 'ping', timeout: '1 minute' });
          return { first: first.payload, second: 'received' };
        } catch (error) {
          return { first: first.payload, second: errorInfo(error).name };
        }
      });
      await start([wf]);
      await t.client.create('once', { id: 'i1' });
      await t.client.sendEvent('once', 'i1', { type: 'ping', payload: 1 });
      expect(await tick()).toBe(1);
      expect(await details('once', 'i1')).toEqual({ status: 'waiting' });
      expect(await stepRow('once', 'i1', 'b')).toMatchObject({ status: 'waiting', wakeAt: iso(T0 + MINUTE) });

      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect(await details('once', 'i1')).toEqual({ status: 'complete', output: { first: 1, second: 'WaitForEventTimeoutError' } });
      const stored = await events('once', 'i1');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ type: 'ping', deliveredAt: iso(T0), consumedByStep: 'a' });
    });

    it('leaves events of another type undelivered and is not woken by them', async () => {
      const wf = defineWorkflow({ name: 'typed' }, async (_event, step) => {
        const received = await step.waitForEvent('wanted', { type: 'wanted', timeout: '1 hour' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('typed', { id: 'i1' });
      await t.client.sendEvent('typed', 'i1', { type: 'other', payload: 'early' });
      expect(await tick()).toBe(1);
      expect(await details('typed', 'i1')).toEqual({ status: 'waiting' });

      const other = await t.client.sendEvent('typed', 'i1', { type: 'other', payload: 'late' });
      expect(other.status).toEqual({ status: 'waiting' });
      expect(await tick()).toBe(0);

      await t.clock.advance(SECOND);
      const wanted = await t.client.sendEvent('typed', 'i1', { type: 'wanted', payload: 'yes' });
      expect(wanted.status).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(await details('typed', 'i1')).toEqual({ status: 'complete', output: 'yes' });
      expect(await events('typed', 'i1')).toMatchObject([
        { type: 'other', payload: 'early', deliveredAt: null, consumedByStep: null },
        { type: 'other', payload: 'late', deliveredAt: null, consumedByStep: null },
        { type: 'wanted', payload: 'yes', deliveredAt: iso(T0 + SECOND), consumedByStep: 'wanted' },
      ]);
    });

    it('an event sent while the instance is running is stored and delivered when the run waits for it', async () => {
      const wf = defineWorkflow({ name: 'send-while-running' }, async (event, step) => {
        const receipt = await step.do('send', async () => {
          const sent = await t.client.sendEvent('send-while-running', event.instanceId, { type: 'self', payload: 'from inside' });
          return sent.status.status;
        });
        const received = await step.waitForEvent('receive', { type: 'self' });
        return { statusWhenSent: receipt, payload: received.payload };
      });
      await start([wf]);
      await t.client.create('send-while-running', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await details('send-while-running', 'i1')).toEqual({
        status: 'complete',
        output: { statusWhenSent: 'running', payload: 'from inside' },
      });
      expect(await tick()).toBe(0);
    });

    it('an event sent to a paused instance does not wake it; it is delivered after resume', async () => {
      const wf = defineWorkflow({ name: 'paused-wait' }, async (_event, step) => {
        const received = await step.waitForEvent('receive', { type: 'go', timeout: '1 hour' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('paused-wait', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect((await t.client.pause('paused-wait', 'i1')).details).toEqual({ status: 'paused' });
      const sent = await t.client.sendEvent('paused-wait', 'i1', { type: 'go', payload: 'after pause' });
      expect(sent.status).toEqual({ status: 'paused' });
      expect(await tick()).toBe(0);
      expect(await details('paused-wait', 'i1')).toEqual({ status: 'paused' });
      await t.client.resume('paused-wait', 'i1');
      expect(await tick()).toBe(1);
      expect(await details('paused-wait', 'i1')).toEqual({ status: 'complete', output: 'after pause' });
    });

    it('times out after 24 hours by default with WaitForEventTimeoutError, erroring the instance when uncaught', async () => {
      const wf = defineWorkflow({ name: 'default-timeout' }, async (_event, step) => {
        await step.waitForEvent('never', { type: 'nothing' });
        return 'unreachable';
      });
      await start([wf]);
      await t.client.create('default-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('default-timeout', 'i1', 'never')).toMatchObject({
        type: 'waitForEvent',
        status: 'waiting',
        waitEventType: 'nothing',
        wakeAt: iso(T0 + DAY),
      });
      expect(await details('default-timeout', 'i1')).toEqual({ status: 'waiting' });

      await t.clock.advance(DAY - 1);
      expect(await tick()).toBe(0);
      await t.clock.advance(1);
      expect(await tick()).toBe(1);
      expect(await stepRow('default-timeout', 'i1', 'never')).toMatchObject({
        status: 'errored',
        error: { name: 'WaitForEventTimeoutError' },
      });
      expect(await details('default-timeout', 'i1')).toMatchObject({ status: 'errored', error: { name: 'WaitForEventTimeoutError' } });
    });

    it('WaitForEventTimeoutError is catchable: the workflow completes', async () => {
      const wf = defineWorkflow({ name: 'catch-timeout' }, async (_event, step) => {
        try {
          await step.waitForEvent('maybe', { type: 'maybe', timeout: '10 seconds' });
          return 'got it';
        } catch (error) {
          return errorInfo(error).name;
        }
      });
      await start([wf]);
      await t.client.create('catch-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('catch-timeout', 'i1', 'maybe')).toMatchObject({ wakeAt: iso(T0 + 10 * SECOND) });
      await t.clock.advance(10 * SECOND);
      expect(await tick()).toBe(1);
      expect(await details('catch-timeout', 'i1')).toEqual({ status: 'complete', output: 'WaitForEventTimeoutError' });
    });

    it.each([
      ['500 ms', '500 ms'],
      ['366 days', '366 days'],
    ] as [string, Duration][])('a timeout of %s is out of range: InvalidDurationError', async (_label, timeout) => {
      const wf = defineWorkflow({ name: 'bad-timeout' }, async (_event, step) => {
        await step.waitForEvent('bad', { type: 'x', timeout });
      });
      await start([wf]);
      await t.client.create('bad-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('bad-timeout', 'i1', 'bad')).toMatchObject({ status: 'errored', error: { name: 'InvalidDurationError' } });
      expect(await details('bad-timeout', 'i1')).toMatchObject({ status: 'errored', error: { name: 'InvalidDurationError' } });
    });

    it.each([
      ['1 second', SECOND],
      ['365 days', 365 * DAY],
    ] as [Duration, number][])('a timeout of %s is at the edge of the range and accepted', async (timeout, ms) => {
      const wf = defineWorkflow({ name: 'edge-timeout' }, async (_event, step) => {
        await step.waitForEvent('edge', { type: 'x', timeout });
      });
      await start([wf]);
      await t.client.create('edge-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('edge-timeout', 'i1', 'edge')).toMatchObject({ status: 'waiting', wakeAt: iso(T0 + ms) });
    });

    it('delivers an event stored before the deadline even when the runner only gets to it after the deadline', async () => {
      const wf = defineWorkflow({ name: 'late-runner' }, async (_event, step) => {
        const received = await step.waitForEvent('reply', { type: 'reply', timeout: '1 minute' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('late-runner', { id: 'i1' });
      expect(await tick()).toBe(1);
      await t.clock.advance(30 * SECOND);
      await t.client.sendEvent('late-runner', 'i1', { type: 'reply', payload: 'in time' });
      await t.clock.advance(2 * MINUTE);
      expect(await tick()).toBe(1);
      expect(await details('late-runner', 'i1')).toEqual({ status: 'complete', output: 'in time' });
      expect(await events('late-runner', 'i1')).toMatchObject([
        { createdAt: iso(T0 + 30 * SECOND), deliveredAt: iso(T0 + 150 * SECOND), consumedByStep: 'reply' },
      ]);
    });

    it('does not deliver an event stored after the deadline: the wait times out and the event stays undelivered', async () => {
      const wf = defineWorkflow({ name: 'too-late' }, async (_event, step) => {
        const received = await step.waitForEvent('reply', { type: 'reply', timeout: '1 minute' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('too-late', { id: 'i1' });
      expect(await tick()).toBe(1);
      await t.clock.advance(MINUTE + 1);
      await t.client.sendEvent('too-late', 'i1', { type: 'reply', payload: 'too late' });
      expect(await tick()).toBe(1);
      expect(await details('too-late', 'i1')).toMatchObject({ status: 'errored', error: { name: 'WaitForEventTimeoutError' } });
      expect(await events('too-late', 'i1')).toMatchObject([{ payload: 'too late', deliveredAt: null, consumedByStep: null }]);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('concurrency rules and step limits', () => {
    it('step names must be 1-256 characters: 256 is accepted, empty and 257 throw InvalidStepNameError', async () => {
      const outcomes: unknown[] = [];
      const wf = defineWorkflow({ name: 'names' }, async (_event, step) => {
        outcomes.push(await step.do('n'.repeat(256), () => 'long name ok'));
        for (const name of ['', 'n'.repeat(257)]) {
          try {
            await step.do(name, () => 'should not run');
            outcomes.push('accepted');
          } catch (error) {
            outcomes.push(errorInfo(error).name);
          }
        }
        return outcomes;
      });
      await start([wf]);
      await t.client.create('names', { id: 'i1' });
      await t.runUntilIdle();
      expect(await details('names', 'i1')).toEqual({
        status: 'complete',
        output: ['long name ok', 'InvalidStepNameError', 'InvalidStepNameError'],
      });
      expect((await steps('names', 'i1')).map((s) => s.name.length)).toEqual([256]);
    });

    it('Promise.all over step.do with distinct names runs both concurrently', async () => {
      const release = deferred();
      const leftStarted = deferred();
      const rightStarted = deferred();
      const wf = defineWorkflow({ name: 'parallel' }, async (_event, step) =>
        Promise.all([
          step.do('left', async () => {
            leftStarted.resolve();
            await release.promise;
            return 'L';
          }),
          step.do('right', async () => {
            rightStarted.resolve();
            await release.promise;
            return 'R';
          }),
        ]),
      );
      await start([wf]);
      await t.client.create('parallel', { id: 'i1' });
      const p = t.client.tick();
      // Both callbacks start before either may finish: they run concurrently (else this hangs and the test times out).
      await Promise.all([leftStarted.promise, rightStarted.promise]);
      release.resolve();
      expect((await p).processed).toBe(1);
      expect(await details('parallel', 'i1')).toEqual({ status: 'complete', output: ['L', 'R'] });
      expect((await steps('parallel', 'i1')).map((s) => [s.name, s.status, s.result]).sort()).toEqual([
        ['left', 'completed', 'L'],
        ['right', 'completed', 'R'],
      ]);
    });

    it('the same step name twice at once throws DuplicateStepError (the second call), without running its callback', async () => {
      const calls: string[] = [];
      const wf = defineWorkflow({ name: 'duplicate' }, async (_event, step) => {
        const first = step.do('same', async () => {
          calls.push('first');
          return 1;
        });
        let duplicate: unknown = null;
        try {
          await step.do('same', async () => {
            calls.push('second');
            return 2;
          });
        } catch (error) {
          duplicate = errorInfo(error).name;
        }
        return { first: await first, duplicate };
      });
      await start([wf]);
      await t.client.create('duplicate', { id: 'i1' });
      await t.runUntilIdle();
      expect(calls).toEqual(['first']);
      expect(await details('duplicate', 'i1')).toEqual({ status: 'complete', output: { first: 1, duplicate: 'DuplicateStepError' } });
    });

    it('an uncaught DuplicateStepError errors the instance', async () => {
      const wf = defineWorkflow({ name: 'duplicate-uncaught' }, async (_event, step) =>
        Promise.all([step.do('same', async () => 1), step.do('same', async () => 2)]),
      );
      await start([wf]);
      await t.client.create('duplicate-uncaught', { id: 'i1' });
      await t.runUntilIdle();
      expect(await details('duplicate-uncaught', 'i1')).toMatchObject({ status: 'errored', error: { name: 'DuplicateStepError' } });
    });

    it('reusing a step name with another step type throws StepTypeMismatchError', async () => {
      const wf = defineWorkflow({ name: 'mismatch' }, async (_event, step) => {
        await step.do('thing', () => 1);
        await step.sleep('thing', 0);
        return 'unreachable';
      });
      await start([wf]);
      await t.client.create('mismatch', { id: 'i1' });
      await t.runUntilIdle();
      expect(await details('mismatch', 'i1')).toMatchObject({ status: 'errored', error: { name: 'StepTypeMismatchError' } });
      expect(await steps('mismatch', 'i1')).toMatchObject([{ name: 'thing', type: 'do', status: 'completed' }]);
    });

    it('StepTypeMismatchError is also thrown on a replay (sleep name reused by waitForEvent) and can be caught', async () => {
      const wf = defineWorkflow({ name: 'mismatch-replay' }, async (_event, step) => {
        await step.sleep('pause', '1 minute');
        try {
          await step.waitForEvent('pause', { type: 'x' });
          return 'no error';
        } catch (error) {
          return errorInfo(error).name;
        }
      });
      await start([wf]);
      await t.client.create('mismatch-replay', { id: 'i1' });
      expect(await tick()).toBe(1);
      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect(await details('mismatch-replay', 'i1')).toEqual({ status: 'complete', output: 'StepTypeMismatchError' });
    });

    it('a step beyond limits.maxStepsPerRun errors the instance with MaxStepsExceededError even if the code catches it (sleeps and waits count)', async () => {
      let fourthCalls = 0;
      let caught = '';
      let afterCatch = 0;
      const wf = defineWorkflow({ name: 'too-many' }, async (_event, step) => {
        await step.do('one', () => 1);
        await step.sleep('two', 0);
        await step.waitForEvent('three', { type: 'go' });
        try {
          await step.do('four', () => {
            fourthCalls++;
            return 4;
          });
        } catch (error) {
          caught = errorInfo(error).name;
        }
        afterCatch++;
        return 'finished anyway';
      });
      await start([wf], { limits: { maxStepsPerRun: 3 } });
      await t.client.create('too-many', { id: 'i1' });
      await t.client.sendEvent('too-many', 'i1', { type: 'go' });
      await t.runUntilIdle();
      expect(caught).toBe('MaxStepsExceededError');
      expect(fourthCalls).toBe(0);
      expect(afterCatch).toBe(1);
      expect(await details('too-many', 'i1')).toMatchObject({ status: 'errored', error: { name: 'MaxStepsExceededError' } });
      expect((await steps('too-many', 'i1')).map((s) => s.name)).toEqual(['one', 'two', 'three']);
    });

    it('steps started together with Promise.all beyond limits.maxStepsPerRun also error the instance with MaxStepsExceededError', async () => {
      const calls: string[] = [];
      const wf = defineWorkflow({ name: 'too-many-parallel' }, async (_event, step) =>
        Promise.all(
          ['a', 'b', 'c', 'd'].map((name) =>
            step.do(name, () => {
              calls.push(name);
              return name;
            }),
          ),
        ),
      );
      await start([wf], { limits: { maxStepsPerRun: 3 } });
      await t.client.create('too-many-parallel', { id: 'i1' });
      await t.runUntilIdle();
      expect(await details('too-many-parallel', 'i1')).toMatchObject({ status: 'errored', error: { name: 'MaxStepsExceededError' } });
      expect(calls.length).toBeLessThanOrEqual(3);
      expect((await steps('too-many-parallel', 'i1')).length).toBeLessThanOrEqual(3);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('claim order', () => {
    it('claims resuming instances (wake, retry) before new ones, and the oldest due first among them', async () => {
      const order: string[] = [];
      const sleeper = defineWorkflow({ name: 'order-sleeper' }, async (event, step) => {
        await step.sleep('nap', event.payload as number);
        order.push(event.instanceId);
        return event.instanceId;
      });
      const fresh = defineWorkflow({ name: 'order-fresh' }, async (event) => {
        order.push(event.instanceId);
        return event.instanceId;
      });
      await start([sleeper, fresh]);
      await t.client.create('order-sleeper', { id: 'late-waker', params: 2 * MINUTE });
      await t.client.create('order-sleeper', { id: 'early-waker', params: MINUTE });
      expect(await tick()).toBe(2);
      await t.clock.advance(30 * SECOND);
      // New, and due (30 s) before either sleeper wakes (60 s, 120 s).
      await t.client.create('order-fresh', { id: 'new-one' });
      await t.clock.advance(2 * MINUTE);

      expect((await t.client.tick({ maxInstances: 1 })).processed).toBe(1);
      expect(order).toEqual(['early-waker']);
      expect((await t.client.tick({ maxInstances: 1 })).processed).toBe(1);
      expect(order).toEqual(['early-waker', 'late-waker']);
      expect((await t.client.tick({ maxInstances: 1 })).processed).toBe(1);
      expect(order).toEqual(['early-waker', 'late-waker', 'new-one']);
      expect(await tick()).toBe(0);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('step budget per tick', () => {
    it('tick({ maxSteps: 2 }) leaves a 5-step instance queued and later ticks finish it without re-running steps', async () => {
      const calls = [0, 0, 0, 0, 0];
      const wf = defineWorkflow({ name: 'budget' }, async (_event, step) => {
        let sum = 0;
        for (let i = 0; i < 5; i++) {
          sum += await step.do(`s${i + 1}`, () => {
            calls[i]++;
            return i + 1;
          });
        }
        return sum;
      });
      await start([wf]);
      await t.client.create('budget', { id: 'i1' });

      expect(await tick({ maxSteps: 2 })).toBe(1);
      expect(await details('budget', 'i1')).toEqual({ status: 'queued' });
      expect(calls).toEqual([1, 1, 0, 0, 0]);
      expect((await steps('budget', 'i1')).map((s) => [s.name, s.status])).toEqual([
        ['s1', 'completed'],
        ['s2', 'completed'],
      ]);

      expect(await tick({ maxSteps: 2 })).toBe(1);
      expect(await details('budget', 'i1')).toEqual({ status: 'queued' });
      expect(calls).toEqual([1, 1, 1, 1, 0]);

      expect(await tick({ maxSteps: 2 })).toBe(1);
      expect(await details('budget', 'i1')).toEqual({ status: 'complete', output: 15 });
      expect(calls).toEqual([1, 1, 1, 1, 1]);
      expect(await tick({ maxSteps: 2 })).toBe(0);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('step.log', () => {
    function logWorkflow() {
      return defineWorkflow({ name: 'logging' }, async (_event, step) => {
        step.log.info('before first step');
        await step.do('fetch', async ({ attempt }) => {
          step.log.info('inside fetch', { attempt });
          return 1;
        });
        step.log.warn('between', { n: 1 }, { category: 'audit' });
        await step.sleep('nap', '1 minute');
        step.log.info('after sleep');
        await step.do('flaky', { retries: { limit: 1, delay: '1 second', backoff: 'constant' } }, async ({ attempt }) => {
          step.log.debug('flaky try');
          if (attempt === 1) throw new Error('first try fails');
          return 2;
        });
        step.log.error('done', { ok: true }, { category: 'system' });
        return 'ok';
      });
    }

    async function runLogWorkflow() {
      await start([logWorkflow()]);
      await t.client.create('logging', { id: 'i1' });
      expect(await tick()).toBe(1); // runs to the sleep
      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1); // replays, then flaky fails once
      await t.clock.advance(SECOND);
      expect(await tick()).toBe(1); // replays, flaky succeeds, completes
      expect(await details('logging', 'i1')).toEqual({ status: 'complete', output: 'ok' });
    }

    it('records stepName and attempt inside steps, null outside, and isReplay only for lines re-executed during replay', async () => {
      await runLogWorkflow();
      const lines = (await logs('logging', 'i1'))
        .filter((l) => l.category !== 'system' || l.message === 'done')
        .map(({ level, category, stepName, attempt, isReplay, message, data }) => ({
          level,
          category,
          stepName,
          attempt,
          isReplay,
          message,
          data,
        }));
      expect(lines).toEqual([
        // first claim: nothing is replayed
        { level: 'info', category: 'workflow', stepName: null, attempt: null, isReplay: false, message: 'before first step', data: null },
        { level: 'info', category: 'workflow', stepName: 'fetch', attempt: 1, isReplay: false, message: 'inside fetch', data: { attempt: 1 } },
        { level: 'warn', category: 'audit', stepName: null, attempt: null, isReplay: false, message: 'between', data: { n: 1 } },
        // second claim: replay up to the sleep that was not completed yet
        { level: 'info', category: 'workflow', stepName: null, attempt: null, isReplay: true, message: 'before first step', data: null },
        { level: 'warn', category: 'audit', stepName: null, attempt: null, isReplay: true, message: 'between', data: { n: 1 } },
        { level: 'info', category: 'workflow', stepName: null, attempt: null, isReplay: false, message: 'after sleep', data: null },
        { level: 'debug', category: 'workflow', stepName: 'flaky', attempt: 1, isReplay: false, message: 'flaky try', data: null },
        // third claim: replay up to the step waiting for its retry
        { level: 'info', category: 'workflow', stepName: null, attempt: null, isReplay: true, message: 'before first step', data: null },
        { level: 'warn', category: 'audit', stepName: null, attempt: null, isReplay: true, message: 'between', data: { n: 1 } },
        { level: 'info', category: 'workflow', stepName: null, attempt: null, isReplay: true, message: 'after sleep', data: null },
        { level: 'debug', category: 'workflow', stepName: 'flaky', attempt: 2, isReplay: false, message: 'flaky try', data: null },
        // 'system' is reserved: a user line asking for it gets the default category
        { level: 'error', category: 'workflow', stepName: null, attempt: null, isReplay: false, message: 'done', data: { ok: true } },
      ]);
    });

    it('writes system lines for run started, attempt failed, retry scheduled and completed; users cannot write system lines', async () => {
      await runLogWorkflow();
      const system = await logs('logging', 'i1', { logCategory: 'system' });
      expect(system.every((l) => l.category === 'system' && l.isReplay === false)).toBe(true);
      expect(system.map(({ level, stepName, attempt, message }) => ({ level, stepName, attempt, message }))).toEqual([
        { level: 'info', stepName: null, attempt: null, message: expect.stringMatching(/run 1 started/i) },
        { level: 'warn', stepName: 'flaky', attempt: 1, message: expect.stringMatching(/attempt 1 failed.*first try fails/i) },
        {
          level: 'info',
          stepName: 'flaky',
          attempt: 1,
          message: expect.stringMatching(new RegExp(`retry scheduled.*${iso(T0 + MINUTE + SECOND).replace(/\./g, '\\.')}`, 'i')),
        },
        { level: 'info', stepName: null, attempt: null, message: expect.stringMatching(/run 1 completed/i) },
      ]);
    });

    it('writes an errored system line when the run errors', async () => {
      const wf = defineWorkflow({ name: 'log-errored' }, async (_event, step) => {
        await step.do('bad', { retries: { limit: 0, delay: 0 } }, () => {
          throw new Error('kaput');
        });
      });
      await start([wf]);
      await t.client.create('log-errored', { id: 'i1' });
      await t.runUntilIdle();
      const system = await logs('log-errored', 'i1', { logCategory: 'system' });
      expect(system.map(({ level, message }) => ({ level, message }))).toEqual([
        { level: 'info', message: expect.stringMatching(/run 1 started/i) },
        { level: 'warn', message: expect.stringMatching(/attempt 1 failed.*kaput/i) },
        { level: 'error', message: expect.stringMatching(/run 1 errored.*kaput/i) },
      ]);
    });

    it('filters by logLevel (that level and more severe) and by logCategory', async () => {
      await runLogWorkflow();
      const warnAndUp = await logs('logging', 'i1', { logLevel: 'warn' });
      expect(warnAndUp.map(({ level, category, message }) => ({ level, category, message }))).toEqual([
        { level: 'warn', category: 'audit', message: 'between' },
        { level: 'warn', category: 'audit', message: 'between' },
        { level: 'warn', category: 'system', message: expect.stringMatching(/attempt 1 failed/i) },
        { level: 'warn', category: 'audit', message: 'between' },
        { level: 'error', category: 'workflow', message: 'done' },
      ]);
      const errorsOnly = await logs('logging', 'i1', { logLevel: 'error' });
      expect(errorsOnly.map((l) => l.message)).toEqual(['done']);
      const all = await logs('logging', 'i1', { logLevel: 'debug' });
      expect(all).toHaveLength((await logs('logging', 'i1')).length);
      expect(all.filter((l) => l.level === 'debug')).toHaveLength(2);

      const audit = await logs('logging', 'i1', { logCategory: 'audit' });
      expect(audit.map((l) => [l.category, l.message, l.isReplay])).toEqual([
        ['audit', 'between', false],
        ['audit', 'between', true],
        ['audit', 'between', true],
      ]);
      const workflowErrors = await logs('logging', 'i1', { logCategory: 'workflow', logLevel: 'error' });
      expect(workflowErrors.map((l) => l.message)).toEqual(['done']);
    });

    it('truncates a message over 2,048 characters to at most 2,048 and marks it; a message of exactly 2,048 is kept', async () => {
      const long = 'a'.repeat(1000) + 'b'.repeat(4000);
      const exact = 'c'.repeat(2048);
      const wf = defineWorkflow({ name: 'long-log' }, async (_event, step) => {
        step.log.info(long);
        step.log.info(exact);
        step.log.info('big data', { blob: 'x'.repeat(70 * 1024) });
        return 'ok';
      });
      await start([wf]);
      await t.client.create('long-log', { id: 'i1' });
      await t.runUntilIdle();
      const lines = await logs('long-log', 'i1', { logCategory: 'workflow' });
      expect(lines).toHaveLength(3);
      const [truncated, kept, bigData] = lines;
      expect(truncated.message.length).toBeLessThanOrEqual(2048);
      expect(truncated.message.length).toBeGreaterThan(1900);
      expect(truncated.message.startsWith('a'.repeat(1000) + 'b'.repeat(800))).toBe(true);
      expect(truncated.message).toMatch(/truncated\]?$/);
      expect(kept.message).toBe(exact);
      expect(bigData.message).toBe('big data');
      expect(bigData.data).toMatchObject({ truncated: true });
      expect(JSON.stringify(bigData.data).length).toBeLessThanOrEqual(64 * 1024);
    });
  });
});

/** The part of the step API the invalid-duration table uses. */
type StepLike = {
  sleep(name: string, duration: Duration): Promise<void>;
  sleepUntil(name: string, until: Date | number | string): Promise<void>;
};
