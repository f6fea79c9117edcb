import { defineWorkflow } from '../../src/engine';
import { systemClock } from '../../src/engine/ports/clock';
import { flush } from '../support/async';
import { TEST_DATABASES } from '../support/databases';
import { createTestEngine } from '../support/test-engine';

describe.each(TEST_DATABASES)('edge cases on %s', (kind) => {
  it('a terminated run whose code catches step errors starts no further step', async () => {
    const effects: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const started = new Promise<void>((resolve) => (entered = resolve));
    const wf = defineWorkflow({ name: 'stubborn' }, async (_event, step) => {
      for (let i = 0; i < 3; i++) {
        try {
          await step.do(`charge-${i}`, async () => {
            effects.push(`charge-${i}`);
            if (i === 0) {
              entered();
              await gate;
            }
            return i;
          });
        } catch {
          // Keeps going, as workflow code may.
        }
      }
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('stubborn', { id: 's' });
    const tick = t.client.tick();
    await started;
    await t.client.terminate('stubborn', 's');
    release();
    await tick;
    await flush();
    expect(effects).toEqual(['charge-0']);
    expect((await t.client.get('stubborn', 's')).details).toEqual({ status: 'terminated' });
    expect((await t.client.history('stubborn', 's')).steps).toEqual([]);
  });

  it('two concurrent waits for the same event type each consume one event, oldest first', async () => {
    const wf = defineWorkflow({ name: 'twins' }, async (_event, step) => {
      const [a, b] = await Promise.all([
        step.waitForEvent<string>('a', { type: 'go' }),
        step.waitForEvent<string>('b', { type: 'go' }),
      ]);
      return [a.payload, b.payload];
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('twins', { id: 't' });
    await t.client.sendEvent('twins', 't', { type: 'go', payload: 'first' });
    await t.client.sendEvent('twins', 't', { type: 'go', payload: 'second' });
    await t.runUntilIdle();
    expect((await t.client.get('twins', 't')).details).toEqual({ status: 'complete', output: ['first', 'second'] });
  });

  it('a run with more concurrent steps than one INSERT can bind suspends and completes', async () => {
    const wf = defineWorkflow({ name: 'crowd' }, async (_event, step) => {
      await Promise.all(Array.from({ length: 2000 }, (_, i) => step.sleep(`nap-${i}`, '1 minute')));
      return 'rested';
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('crowd', { id: 'c' });
    await t.client.tick();
    expect((await t.client.get('crowd', 'c')).details).toEqual({ status: 'waiting' });
    await t.clock.advance(60_000);
    await t.runUntilIdle({ maxSteps: 10_000 });
    expect((await t.client.get('crowd', 'c')).details).toEqual({ status: 'complete', output: 'rested' });
    expect((await t.client.history('crowd', 'c', { pageSize: 100 })).stepsHasNextPage).toBe(true);
  });

  it('a repeated event id is answered again after the instance finished, not refused', async () => {
    const wf = defineWorkflow({ name: 'once' }, async (_event, step) => (await step.waitForEvent('w', { type: 'go' })).payload);
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('once', { id: 'o' });
    const first = await t.client.sendEvent('once', 'o', { type: 'go', id: 'evt-1', payload: 1 });
    await t.runUntilIdle();
    const again = await t.client.sendEvent('once', 'o', { type: 'go', id: 'evt-1', payload: 1 });
    expect(again.event).toEqual(first.event);
    expect(again.status).toEqual({ status: 'complete', output: 1 });
    await expect(t.client.sendEvent('once', 'o', { type: 'go', id: 'evt-2' })).rejects.toMatchObject({ code: 'INSTANCE_TERMINAL' });
  });
});

describe('system clock timers', () => {
  afterEach(() => jest.useRealTimers());

  it('waits out delays longer than setTimeout can hold (about 24.8 days)', () => {
    jest.useFakeTimers();
    const fired = jest.fn();
    const thirtyDays = 30 * 24 * 60 * 60 * 1000;
    systemClock.setTimer(thirtyDays, fired);
    jest.advanceTimersByTime(thirtyDays - 1);
    expect(fired).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledTimes(1);
  });
});
