/**
 * Contract tests for pause and resume from every status of the status table,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import { defineWorkflow } from '../../../src/engine/definition/define-workflow';
import { deferred } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { countingWorkflow, gatedWorkflow, lifecycleHarness, sleeperWorkflow } from '../../support/lifecycle';
import { HOUR, iso } from '../../support/time';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup, releaseAtEnd, track, untilSomeoneWaitsForALock, historyOf } = lifecycleHarness(kind);

  // ---- 5. the state table ---------------------------------------------------------------------

  describe('transitions of the status table', () => {
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
      expect(steps.map((s) => [s.name, s.status, s.result])).toEqual([['first', 'completed', 'first-0']]);
      expect((await t.client.tick()).processed).toBe(0);

      expect(await t.client.resume('gated', 'r')).toEqual({ id: 'r', details: { status: 'queued' } });
      expect((await t.client.tick()).processed).toBe(1);
      expect((await t.client.get('gated', 'r')).details).toEqual({ status: 'complete', output: { first: 'first-0', second: 'second-0' } });
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
      expect((await t.client.get('gated', 'r')).details).toEqual({ status: 'complete', output: { first: 'first-0', second: 'second-0' } });
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
  });
});
