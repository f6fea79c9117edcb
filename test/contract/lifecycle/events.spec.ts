/**
 * Contract tests for sending events to instances,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import { defineWorkflow } from '../../../src/engine/definition/define-workflow';
import { TEST_DATABASES } from '../../support/databases';
import { expectCode } from '../../support/engine-errors';
import { lifecycleHarness, UUID, waiterWorkflow } from '../../support/lifecycle';
import { iso, MINUTE } from '../../support/time';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup, historyOf } = lifecycleHarness(kind);

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
      expect(events[0]).toMatchObject({ id: 'evt-1', runNumber: 0, type: 'note', payload: { n: 1 }, createdAt: iso(t0), deliveredAt: null });

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
      expect(go).toMatchObject({ type: 'go', deliveredAt: iso(t.clock.now()), consumedByStepKey: 'w' });
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
      expect((await historyOf(t, 'selfsend', 'x')).events).toMatchObject([{ id: 'early-1', consumedByStepKey: 'w' }]);
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
});
