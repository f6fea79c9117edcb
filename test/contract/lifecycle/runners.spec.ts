/**
 * Contract tests for several runners on one database and the writes a run costs,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import { createEngine } from '../../../src/engine/create-engine';
import { defineWorkflow } from '../../../src/engine/definition/define-workflow';
import { ManualClock } from '../../../src/engine/testing/manual-clock';
import { deferred } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { countingWorkflow, lifecycleHarness } from '../../support/lifecycle';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup, releaseAtEnd, track, historyOf } = lifecycleHarness(kind);

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
});
