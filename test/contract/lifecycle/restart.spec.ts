/**
 * Contract tests for restart from every status, and the runs it keeps,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import type { InstanceStatus } from '../../../src/engine/model';
import { TEST_DATABASES } from '../../support/databases';
import { countingWorkflow, gatedWorkflow, lifecycleHarness, lifeWorkflow } from '../../support/lifecycle';
import { iso } from '../../support/time';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup, releaseAtEnd, track, historyOf, reach } = lifecycleHarness(kind);

  // ---- 5. the state table ---------------------------------------------------------------------

  describe('transitions of the status table', () => {
    const RUN0_STEPS: Record<string, [string, string][]> = {
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

    it.each(Object.keys(RUN0_STEPS) as InstanceStatus[])(
      'restart from %s → new run queued; the first run (0) stays readable; its events are never delivered to run 1',
      async (state) => {
        const life = lifeWorkflow();
        const t = await setup([life.wf]);
        const { tick } = await reach(t, life, 'x', state);
        const original = await t.client.get('life', 'x');
        expect(original.meta.runNumber).toBe(0);
        const run0Before = await historyOf(t, 'life', 'x', 0);

        await t.clock.advance(3);
        expect(await t.client.restart('life', 'x')).toEqual({ id: 'x', details: { status: 'queued' } });
        const restarted = await t.client.get('life', 'x');
        expect(restarted).toEqual({
          id: 'x',
          details: { status: 'queued' },
          meta: {
            workflowName: 'life',
            runNumber: 1,
            params: original.meta.params,
            pauseRequested: false,
            createdAt: original.meta.createdAt,
            updatedAt: iso(t.clock.now()),
            startedAt: null,
            completedAt: null,
          },
        });
        const run1 = await historyOf(t, 'life', 'x');
        expect(run1.runNumber).toBe(1);
        expect(run1.steps).toEqual([]);
        expect(run1.events).toEqual([]);
        expect(run1.logs!.filter((l) => l.category === 'system').map((l) => l.message)).toContain(`Restarted (run 0 was ${state})`);

        // Run 1 runs from scratch (concurrently with a run-0 step still in flight, when there is one).
        await t.runUntilIdle();
        const waiting = await t.client.get('life', 'x');
        expect(waiting.details).toEqual({ status: 'waiting' });
        expect(waiting.meta.currentStep).toMatchObject({ name: 'w', type: 'waitForEvent', status: 'waiting', waitEventType: 'go' });
        expect((await historyOf(t, 'life', 'x', 1)).events).toEqual([]);

        // Let a held run-0 step finish: its late writes are rejected.
        life.gate.resolve();
        if (tick) await tick;
        expect((await t.client.get('life', 'x')).details).toEqual({ status: 'waiting' });

        const run0 = await historyOf(t, 'life', 'x', 0);
        expect(run0.runNumber).toBe(0);
        expect(run0.steps.map((s) => [s.name, s.status])).toEqual(RUN0_STEPS[state]);
        expect(run0.steps).toEqual(run0Before.steps);
        const old = run0.events.find((e) => e.id === 'old-event');
        expect(old).toMatchObject({ runNumber: 0, type: 'go', payload: 'old', deliveredAt: null, consumedByStepKey: null });
        expect(run0.logs!.length).toBeGreaterThanOrEqual(run0Before.logs!.length);
        if (state === 'complete') {
          expect(run0.events.find((e) => e.id === 'first-event')).toMatchObject({ payload: 'first', consumedByStepKey: 'w' });
          expect(run0.logs!.map((l) => l.message)).toContain('after a in run 0');
        }
        if (state === 'errored') expect(run0.logs!.some((l) => l.level === 'error' && /boom/.test(l.message))).toBe(true);

        const sent = await t.client.sendEvent('life', 'x', { type: 'go', payload: 'new' });
        expect(sent.status).toEqual({ status: 'queued' });
        await t.runUntilIdle();
        expect((await t.client.get('life', 'x')).details).toEqual({ status: 'complete', output: { a: 'a1', got: 'new' } });
        expect(life.aRuns.filter((run) => run === 1)).toHaveLength(1);
        const finalRun1 = await historyOf(t, 'life', 'x', 1);
        expect(finalRun1.events.map((e) => [e.payload, e.consumedByStepKey])).toEqual([['new', 'w']]);
        // Run 0 is still as it was.
        expect((await historyOf(t, 'life', 'x', 0)).events.find((e) => e.id === 'old-event')?.deliveredAt).toBeNull();
        expect((await historyOf(t, 'life', 'x', 0)).steps).toEqual(run0.steps);
      },
    );

    it('restart twice: runNumber counts up and every earlier run stays readable', async () => {
      const { wf, calls } = countingWorkflow();
      const t = await setup([wf]);
      await t.client.create('three', { id: 'x' });
      await t.runUntilIdle();
      await t.client.restart('three', 'x');
      await t.runUntilIdle();
      await t.client.restart('three', 'x');
      expect((await t.client.get('three', 'x')).meta.runNumber).toBe(2);
      await t.runUntilIdle();
      expect((await t.client.get('three', 'x')).details.status).toBe('complete');
      for (const run of [0, 1, 2]) {
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
    it('restart while a step is in flight: the old run writes nothing more, the new run runs from scratch', async () => {
      const { wf, gate, entered, calls } = gatedWorkflow();
      releaseAtEnd(gate);
      const t = await setup([wf]);
      await t.client.create('gated', { id: 'x' });
      const oldTick = track(t.client.tick());
      await entered.promise;
      expect(await t.client.restart('gated', 'x')).toEqual({ id: 'x', details: { status: 'queued' } });

      expect((await t.client.tick()).processed).toBe(1);
      const output = { first: 'first-1', second: 'second-1' };
      expect((await t.client.get('gated', 'x')).details).toEqual({ status: 'complete', output });

      gate.resolve();
      expect((await oldTick).processed).toBe(1);
      const view = await t.client.get('gated', 'x');
      expect(view.details).toEqual({ status: 'complete', output });
      expect(view.meta.runNumber).toBe(1);
      expect((await historyOf(t, 'gated', 'x', 0)).steps).toEqual([]);
      expect((await historyOf(t, 'gated', 'x', 1)).steps.map((s) => [s.name, s.result])).toEqual([
        ['first', 'first-1'],
        ['second', 'second-1'],
      ]);
      expect(calls).toEqual({ first: 2, second: 1 });
    });
  });
});
