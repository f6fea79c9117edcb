/**
 * Contract tests of the rules on steps: names, concurrency, the step limit;
 * on a real SQLite file and a real PostgreSQL database, with a manual clock: time only moves with
 * `clock.advance`, the runner only with `tick`.
 */
import { defineWorkflow } from '../../../src/engine';
import { deferred } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { errorInfo, stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { MINUTE } from '../../support/time';

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  const { start, details, tick, steps } = stepHarness(kind, (engine) => (t = engine as TestEngine));

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
});
