/**
 * Contract tests for terminate, and for actions on a terminal instance,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import type { InstanceStatus } from '../../../src/engine/model';
import { TEST_DATABASES } from '../../support/databases';
import { expectCode } from '../../support/engine-errors';
import { gatedWorkflow, lifecycleHarness, lifeWorkflow } from '../../support/lifecycle';
import { HOUR, iso } from '../../support/time';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup, releaseAtEnd, track, historyOf, reach } = lifecycleHarness(kind);

  // ---- 5. the state table ---------------------------------------------------------------------

  describe('transitions of the status table', () => {
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
  });
});
