/**
 * Contract tests of how the runner advances instances: claim order and the step
 * budget of a tick;
 * on a real SQLite file and a real PostgreSQL database, with a manual clock: time only moves with
 * `clock.advance`, the runner only with `tick`.
 */
import { defineWorkflow } from '../../../src/engine';
import { TEST_DATABASES } from '../../support/databases';
import { stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { MINUTE, SECOND } from '../../support/time';

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  const { start, details, tick, steps } = stepHarness(kind, (engine) => (t = engine as TestEngine));

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
});
