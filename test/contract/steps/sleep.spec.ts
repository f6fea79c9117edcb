/**
 * Contract tests of `step.sleep` and `step.sleepUntil`, and durations;
 * on a real SQLite file and a real PostgreSQL database, with a manual clock: time only moves with
 * `clock.advance`, the runner only with `tick`.
 */
import { defineWorkflow, type Duration } from '../../../src/engine';
import { TEST_DATABASES } from '../../support/databases';
import { stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { DAY, HOUR, iso, MINUTE, SECOND } from '../../support/time';

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  let T0: number;
  const { start, details, tick, steps, stepRow } = stepHarness(kind, (engine) => {
    t = engine as TestEngine;
    T0 = engine?.clock.now() ?? 0;
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
      // A sleep runs once and has no timeout.
      expect(await stepRow('sleeper', 'i1', 'nap')).toMatchObject({ type: 'sleep', status: 'waiting', wakeAt: iso(T0 + HOUR), maxAttempts: 1, timeoutMs: null });
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
});

/** The part of the step API the invalid-duration table uses. */
type StepLike = {
  sleep(name: string, duration: Duration): Promise<void>;
  sleepUntil(name: string, until: Date | number | string): Promise<void>;
};
