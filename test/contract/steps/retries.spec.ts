/**
 * Contract tests of `step.do` failures: retries and backoff, non-retryable errors,
 * attempt timeouts;
 * on a real SQLite file and a real PostgreSQL database, with a manual clock: time only moves with
 * `clock.advance`, the runner only with `tick`.
 */
import { defineWorkflow, NonRetryableError } from '../../../src/engine';
import { deferred, flush } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { errorInfo, stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { DAY, HOUR, iso, MINUTE, SECOND } from '../../support/time';

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  let T0: number;
  const { start, details, tick, stepRow } = stepHarness(kind, (engine) => {
    t = engine as TestEngine;
    T0 = engine?.clock.now() ?? 0;
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
    /** A workflow module's own copy of the class (errors are recognised by name, not by class identity). */
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
});
