/**
 * Contract tests of child workflows: `step.startWorkflow`, `step.waitForWorkflow`,
 * `step.runWorkflow` and the parent close policy; on a real SQLite file and a real PostgreSQL
 * database, with a manual clock: time only moves with `clock.advance`, the runner only with `tick`.
 */
import { ChildWorkflowError, defineWorkflow } from '../../../src/engine';
import { deferred } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { errorInfo, stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { iso, MINUTE, SECOND } from '../../support/time';

/** Doubles its number; fails when asked to; waits for a `go` event when asked to. */
const child = defineWorkflow<{ n: number; fail?: boolean; hold?: boolean }>({ name: 'child' }, async (event, step) => {
  if (event.payload.hold) await step.waitForEvent('hold', { type: 'go', timeout: '1 day' });
  return step.do('double', { retries: { limit: 0, delay: 0 } }, async () => {
    if (event.payload.fail) throw new RangeError(`cannot double ${event.payload.n}`);
    return event.payload.n * 2;
  });
});

describe.each(TEST_DATABASES)('child workflows on %s', (kind) => {
  let t: TestEngine;
  const { start, details, tick, steps, stepRow } = stepHarness(kind, (engine) => {
    t = engine as TestEngine;
  });
  const get = (workflow: string, id: string) => t.client.get(workflow, id);

  describe('startWorkflow and runWorkflow', () => {
    it("starts the child once, returns its output to the parent, and the child's end wakes the parent at once", async () => {
      const starts: unknown[] = [];
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) => {
        const handle = await step.startWorkflow('child', { params: { n: 21 } });
        starts.push(handle);
        return { handle, result: await step.waitForWorkflow<number>(handle.workflowName, handle.instanceId) };
      });
      await start([parent, child]);
      await t.client.create('parent', { id: 'p' });
      expect(await tick()).toBe(1);
      const handle = { workflowName: 'child', instanceId: 'p-0-child-1' };
      expect(starts).toEqual([handle]);
      expect(await details('parent', 'p')).toEqual({ status: 'waiting' });
      const childView = await get('child', 'p-0-child-1');
      expect(childView.details).toEqual({ status: 'queued' });
      expect(childView.meta.parent).toEqual({ workflowName: 'parent', instanceId: 'p', runNumber: 0 });
      expect(childView.meta.params).toEqual({ n: 21 });

      // The child runs and completes; the parent is due now, not at its wait's deadline.
      expect(await tick()).toBe(1);
      expect(await details('child', 'p-0-child-1')).toEqual({ status: 'complete', output: 42 });
      expect(await details('parent', 'p')).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(await details('parent', 'p')).toEqual({ status: 'complete', output: { handle, result: 42 } });
      // Replays returned the same child; only one was ever created.
      expect(starts).toEqual([handle, handle]);
      expect((await t.client.list('child')).instances.map((i) => i.id)).toEqual(['p-0-child-1']);
      expect((await steps('parent', 'p')).map((s) => [s.name, s.type, s.status, s.childWorkflowName, s.childInstanceId, s.result])).toEqual([
        ['child-1', 'startWorkflow', 'completed', 'child', 'p-0-child-1', handle],
        ['wait child p-0-child-1', 'waitForWorkflow', 'completed', 'child', 'p-0-child-1', 42],
      ]);
      expect((await get('parent', 'p')).meta).not.toHaveProperty('parent');
    });

    it('a parent deleted and created again under its id does not take its predecessor\'s child for its own', async () => {
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) => step.runWorkflow<number>('child', { params: { n: 2 } }));
      await start([parent, child]);
      await t.client.create('parent', { id: 'again' });
      for (let i = 0; i < 3; i++) await tick();
      expect(await details('parent', 'again')).toEqual({ status: 'complete', output: 4 });
      await t.client.delete('parent', 'again');
      // The old child stays, an orphan now.
      expect((await get('child', 'again-0-child-1')).meta).not.toHaveProperty('parent');
      await t.client.create('parent', { id: 'again' });
      await tick();
      // The derived id repeats: the new run is refused that child rather than handed its old output.
      expect(await details('parent', 'again')).toMatchObject({ status: 'errored', error: { name: 'ChildWorkflowError' } });
    });

    it('runWorkflow is start and wait; an explicit id and step name are used as given', async () => {
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) =>
        step.runWorkflow<number>('child', { id: 'my-child', params: { n: 5 }, step: 'start it', waitStep: 'await it' }),
      );
      await start([parent, child]);
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      expect(await details('parent', 'p')).toEqual({ status: 'complete', output: 10 });
      expect((await steps('parent', 'p')).map((s) => [s.name, s.type, s.childInstanceId])).toEqual([
        ['start it', 'startWorkflow', 'my-child'],
        ['await it', 'waitForWorkflow', 'my-child'],
      ]);
    });

    it('a crash after the step committed cannot start a second child: the next claim replays the stored one', async () => {
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) => {
        const handle = await step.startWorkflow('child', { params: { n: 1 } });
        await step.sleep('nap', '1 minute');
        return handle.instanceId;
      });
      await start([parent, child]);
      await t.client.create('parent', { id: 'p' });
      expect(await tick()).toBe(1);
      const [startStep] = await steps('parent', 'p');
      expect(startStep).toMatchObject({ type: 'startWorkflow', status: 'completed', childInstanceId: 'p-0-child-1' });
      await t.clock.advance(MINUTE);
      await t.runUntilIdle();
      expect(await details('parent', 'p')).toEqual({ status: 'complete', output: 'p-0-child-1' });
      expect((await t.client.list('child')).instances).toHaveLength(1);
    });

    it('an id already taken by an instance that is not its child fails the step with a catchable, non-retryable ChildWorkflowError', async () => {
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) => {
        try {
          await step.startWorkflow('child', { id: 'taken', params: { n: 1 } });
          return 'started';
        } catch (error) {
          const e = error as ChildWorkflowError;
          return { ...errorInfo(error), workflowName: e.workflowName, instanceId: e.instanceId, isClass: error instanceof ChildWorkflowError };
        }
      });
      await start([parent, child]);
      await t.client.create('child', { id: 'taken', params: { n: 3 } });
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      const output = {
        name: 'ChildWorkflowError',
        message: 'Could not start the child workflow: Instance "taken" of workflow "child" already exists and is not a child of this run',
        workflowName: 'child',
        instanceId: 'taken',
        isClass: true,
      };
      expect(await details('parent', 'p')).toEqual({ status: 'complete', output });
      expect(await stepRow('parent', 'p', 'child-taken')).toMatchObject({ status: 'errored', attempts: 0, error: { name: 'ChildWorkflowError' } });
      // The other instance is untouched.
      expect((await get('child', 'taken')).meta).not.toHaveProperty('parent');
      expect(await details('child', 'taken')).toEqual({ status: 'complete', output: 6 });
    });

    it('refuses unknown workflows and params the child rejects, as ChildWorkflowError', async () => {
      const strict = defineWorkflow({ name: 'strict', params: (p: unknown) => (typeof (p as { n?: unknown })?.n === 'number' ? true : 'n must be a number') }, async () => 1);
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) => {
        const outcomes: unknown[] = [];
        for (const [workflow, params] of [['nope', {}], ['strict', { n: 'x' }]] as const) {
          try {
            await step.startWorkflow(workflow, { params });
          } catch (error) {
            outcomes.push(errorInfo(error));
          }
        }
        return outcomes;
      });
      await start([parent, strict]);
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      expect(await details('parent', 'p')).toEqual({
        status: 'complete',
        output: [
          { name: 'ChildWorkflowError', message: 'Could not start the child workflow: Workflow "nope" is not registered' },
          { name: 'ChildWorkflowError', message: 'Could not start the child workflow: Params rejected by workflow "strict": n must be a number' },
        ],
      });
    });
  });

  describe('waitForWorkflow', () => {
    it("an errored child throws a ChildWorkflowError carrying the child's error; uncaught, it errors the parent; the same on replay", async () => {
      const seen: unknown[] = [];
      const parent = defineWorkflow<{ catch: boolean }>({ name: 'parent' }, async (event, step) => {
        try {
          await step.runWorkflow('child', { params: { n: 7, fail: true } });
        } catch (error) {
          const e = error as ChildWorkflowError;
          seen.push({ ...errorInfo(error), status: e.status, childError: e.childError, isClass: error instanceof ChildWorkflowError });
          if (!event.payload.catch) throw error;
        }
        await step.sleep('after', '1 second');
        return 'caught';
      });
      await start([parent, child]);
      await t.client.create('parent', { id: 'caught', params: { catch: true } });
      await t.client.create('parent', { id: 'uncaught', params: { catch: false } });
      await t.runUntilIdle();
      await t.clock.advance(SECOND);
      await t.runUntilIdle();
      const message = 'Instance "caught-0-child-1" of workflow "child" errored: RangeError: cannot double 7';
      const failure = { name: 'ChildWorkflowError', status: 'errored', childError: { name: 'RangeError', message: 'cannot double 7' }, isClass: true };
      expect(await details('parent', 'caught')).toEqual({ status: 'complete', output: 'caught' });
      expect(await details('parent', 'uncaught')).toEqual({
        status: 'errored',
        error: { name: 'ChildWorkflowError', message: 'Instance "uncaught-0-child-1" of workflow "child" errored: RangeError: cannot double 7' },
      });
      // First sight and the replay after the sleep see the same error, fields and all.
      expect(seen.filter((s) => (s as { message: string }).message === message)).toEqual([
        { ...failure, message },
        { ...failure, message },
      ]);
      expect(await stepRow('parent', 'caught', 'wait child caught-0-child-1')).toMatchObject({ status: 'errored', attempts: 0, error: { name: 'ChildWorkflowError', message } });
    });

    it('a terminated child throws ChildWorkflowError, and terminating it wakes the waiting parent', async () => {
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) => {
        try {
          return await step.runWorkflow('child', { params: { n: 1, hold: true } });
        } catch (error) {
          return { ...errorInfo(error), status: (error as ChildWorkflowError).status };
        }
      });
      await start([parent, child]);
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      expect(await details('parent', 'p')).toEqual({ status: 'waiting' });
      await t.client.terminate('child', 'p-0-child-1');
      expect(await details('parent', 'p')).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(await details('parent', 'p')).toEqual({
        status: 'complete',
        output: { name: 'ChildWorkflowError', message: 'Instance "p-0-child-1" of workflow "child" was terminated', status: 'terminated' },
      });
    });

    it('waits for any instance, not only a child; one that finished already answers at once', async () => {
      const waiter = defineWorkflow<{ id: string }>({ name: 'waiter' }, async (event, step) => step.waitForWorkflow('child', event.payload.id));
      await start([waiter, child]);
      await t.client.create('child', { id: 'done', params: { n: 2 } });
      await t.client.create('child', { id: 'later', params: { n: 3, hold: true } });
      await t.runUntilIdle();
      await t.client.create('waiter', { id: 'w-done', params: { id: 'done' } });
      await t.client.create('waiter', { id: 'w-later', params: { id: 'later' } });
      await t.runUntilIdle();
      expect(await details('waiter', 'w-done')).toEqual({ status: 'complete', output: 4 });
      expect(await details('waiter', 'w-later')).toEqual({ status: 'waiting' });
      await t.client.sendEvent('child', 'later', { type: 'go' });
      expect(await tick()).toBe(1);
      expect(await details('waiter', 'w-later')).toEqual({ status: 'queued' });
      await t.runUntilIdle();
      expect(await details('waiter', 'w-later')).toEqual({ status: 'complete', output: 6 });
    });

    it('times out with WaitForWorkflowTimeoutError at its deadline', async () => {
      const parent = defineWorkflow({ name: 'parent' }, async (_event, step) => {
        try {
          return await step.runWorkflow('child', { params: { n: 1, hold: true }, timeout: '1 minute' });
        } catch (error) {
          return errorInfo(error);
        }
      });
      await start([parent, child]);
      const T0 = t.clock.now();
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      expect(await stepRow('parent', 'p', 'wait child p-0-child-1')).toMatchObject({ status: 'waiting', wakeAt: iso(T0 + MINUTE), timeoutMs: MINUTE });
      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect(await details('parent', 'p')).toEqual({
        status: 'complete',
        output: { name: 'WaitForWorkflowTimeoutError', message: 'Instance "p-0-child-1" of workflow "child" did not finish before the timeout of step "wait child p-0-child-1"' },
      });
      // The child goes on: a timed-out wait does not close it.
      expect(await details('child', 'p-0-child-1')).toEqual({ status: 'waiting' });
    });

    it('a parent woken by one child leaves its wait for another as it was stored, unwritten', async () => {
      const parent = defineWorkflow({ name: 'pair' }, async (_event, step) => {
        const quick = await step.startWorkflow('child', { id: 'quick', params: { n: 1 } });
        const held = await step.startWorkflow('child', { id: 'held', params: { n: 2, hold: true } });
        const [a, b] = await Promise.all([quick, held].map((h) => step.waitForWorkflow<number>(h.workflowName, h.instanceId)));
        return a + b;
      });
      await start([parent, child]);
      await t.client.create('pair', { id: 'p' });
      expect(await tick()).toBe(1);
      const heldWait = await stepRow('pair', 'p', 'wait child held');
      // PostgreSQL makes a new row version on every write, with the same values or not: xmin tells.
      const rowVersion = async () =>
        kind === 'postgres'
          ? (await t.store.connection.statement().rows(`SELECT xmin::text AS version FROM workflow_step WHERE instance_id = 'p' AND name = 'wait child held'`))[0].version
          : 'not told';
      const version = await rowVersion();
      await t.clock.advance(MINUTE);
      // Both children run: the quick one completes and wakes the parent, the held one waits.
      expect(await tick()).toBe(2);
      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect((await stepRow('pair', 'p', 'wait child quick')).status).toBe('completed');
      expect(await stepRow('pair', 'p', 'wait child held')).toEqual(heldWait);
      expect(await rowVersion()).toBe(version);
      expect(heldWait.status).toBe('waiting');
      expect(await details('pair', 'p')).toEqual({ status: 'waiting' });
    });

    it('fans out to 50 children and waits for all of them', async () => {
      const parent = defineWorkflow({ name: 'fan' }, async (_event, step) => {
        const handles = await Promise.all(Array.from({ length: 50 }, (_, n) => step.startWorkflow('child', { params: { n } })));
        const results = await Promise.all(handles.map((h) => step.waitForWorkflow<number>(h.workflowName, h.instanceId)));
        return results.reduce((sum, r) => sum + r, 0);
      });
      await start([parent, child]);
      await t.client.create('fan', { id: 'f' });
      await t.runUntilIdle({ maxInstances: 100 });
      expect(await details('fan', 'f')).toEqual({ status: 'complete', output: 2 * ((49 * 50) / 2) });
      expect((await t.client.list('child', { pageSize: 100 })).instances).toHaveLength(50);
    });
  });

  describe('the parent close policy', () => {
    const family = (policy: 'terminate' | 'abandon') =>
      defineWorkflow({ name: 'parent' }, async (event, step) => {
        const handle = await step.startWorkflow('child', { params: { n: event.runNumber, hold: true }, parentClosePolicy: policy });
        await step.waitForEvent('forever', { type: 'never', timeout: '1 day' });
        return handle;
      });

    it.each(['terminate', 'abandon'] as const)('terminating the parent with policy %s', async (policy) => {
      await start([family(policy), child]);
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      expect(await details('child', 'p-0-child-1')).toEqual({ status: 'waiting' });
      await t.client.terminate('parent', 'p');
      expect(await details('child', 'p-0-child-1')).toEqual({ status: policy === 'terminate' ? 'terminated' : 'waiting' });
      if (policy === 'terminate') {
        const logs = (await t.client.history('child', 'p-0-child-1', { includeLogs: true, pageSize: 100 })).logs!;
        expect(logs.map((l) => l.message)).toContain('Terminated (its parent "p" of workflow "parent" was terminated)');
      }
    });

    it.each(['terminate', 'abandon'] as const)('restarting the parent with policy %s; the new run starts a fresh child', async (policy) => {
      await start([family(policy), child]);
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      await t.client.restart('parent', 'p');
      expect(await details('child', 'p-0-child-1')).toEqual({ status: policy === 'terminate' ? 'terminated' : 'waiting' });
      await t.runUntilIdle();
      expect((await get('child', 'p-1-child-1')).meta).toMatchObject({ parent: { workflowName: 'parent', instanceId: 'p', runNumber: 1 }, params: { n: 1, hold: true } });
    });

    it('a restarted parent restarts the child it gave an explicit id in an earlier run', async () => {
      const parent = defineWorkflow({ name: 'parent' }, async (event, step) => step.runWorkflow('child', { id: 'fixed', params: { n: 10 + event.runNumber } }));
      await start([parent, child]);
      await t.client.create('parent', { id: 'p' });
      await t.runUntilIdle();
      expect(await details('parent', 'p')).toEqual({ status: 'complete', output: 20 });
      await t.client.restart('parent', 'p');
      await t.runUntilIdle();
      expect(await details('parent', 'p')).toEqual({ status: 'complete', output: 22 });
      const view = await get('child', 'fixed');
      expect(view.meta).toMatchObject({ runNumber: 1, parent: { workflowName: 'parent', instanceId: 'p', runNumber: 1 }, params: { n: 11 } });
    });
  });

  describe("the step's AbortSignal", () => {
    it('aborts with a StepTimeoutError when the attempt times out', async () => {
      const reasons: unknown[] = [];
      const entered = deferred();
      const wf = defineWorkflow({ name: 'slow' }, async (_event, step) =>
        step.do('hang', { retries: { limit: 0, delay: 0 }, timeout: '5 seconds' }, ({ signal }) => {
          entered.resolve();
          return new Promise((_resolve, reject) => signal.addEventListener('abort', () => (reasons.push(errorInfo(signal.reason)), reject(signal.reason))));
        }),
      );
      await start([wf]);
      await t.client.create('slow', { id: 's' });
      const ticked = t.client.tick();
      await entered.promise;
      await t.clock.advance(5 * SECOND);
      await ticked;
      expect(reasons).toEqual([{ name: 'StepTimeoutError', message: 'Step "hang" attempt 1 timed out after 5000 ms' }]);
      expect(await details('slow', 's')).toMatchObject({ status: 'errored', error: { name: 'StepTimeoutError' } });
    });

    it('aborts when the instance is terminated (at the next lease check)', async () => {
      const entered = deferred();
      let aborted = false;
      const wf = defineWorkflow({ name: 'slow' }, async (_event, step) =>
        step.do('hang', ({ signal }) => {
          entered.resolve();
          return new Promise((resolve) => signal.addEventListener('abort', () => ((aborted = true), resolve('stopped'))));
        }),
      );
      await start([wf]);
      await t.client.create('slow', { id: 's' });
      const ticked = t.client.tick();
      await entered.promise;
      await t.client.terminate('slow', 's');
      expect(aborted).toBe(false);
      // The lease is renewed every third of its 30 seconds: the renewal finds it gone.
      await t.clock.advance(10 * SECOND);
      await ticked;
      expect(aborted).toBe(true);
      expect(await details('slow', 's')).toEqual({ status: 'terminated' });
    });
  });
});
