/**
 * Contract tests of `step.waitForEvent`: delivery, order, timeouts;
 * on a real SQLite file and a real PostgreSQL database, with a manual clock: time only moves with
 * `clock.advance`, the runner only with `tick`.
 */
import { defineWorkflow, type Duration } from '../../../src/engine';
import { TEST_DATABASES } from '../../support/databases';
import { errorInfo, stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { DAY, iso, MINUTE, SECOND } from '../../support/time';

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  let T0: number;
  const { start, details, tick, stepRow, events } = stepHarness(kind, (engine) => {
    t = engine as TestEngine;
    T0 = engine?.clock.now() ?? 0;
  });

  // ---------------------------------------------------------------------------------------------
  describe('waitForEvent', () => {
    it('consumes an event sent before the wait began and returns { type, payload, timestamp: Date }, also on replay', async () => {
      const shapes: unknown[] = [];
      const wf = defineWorkflow({ name: 'buffered' }, async (_event, step) => {
        const received = await step.waitForEvent<{ ok: number }>('approval', { type: 'approve' });
        shapes.push({ keys: Object.keys(received).sort(), isDate: received.timestamp instanceof Date });
        await step.sleep('nap', '1 minute');
        return { type: received.type, payload: received.payload, timestamp: received.timestamp.toISOString() };
      });
      await start([wf]);
      await t.client.create('buffered', { id: 'i1' });
      await t.clock.advance(5);
      const sent = await t.client.sendEvent('buffered', 'i1', { type: 'approve', payload: { ok: 1 } });
      expect(sent.event.createdAt).toBe(iso(T0 + 5));

      expect(await tick()).toBe(1);
      expect(await stepRow('buffered', 'i1', 'approval')).toMatchObject({
        type: 'waitForEvent',
        status: 'completed',
        waitEventType: 'approve',
        result: { type: 'approve', payload: { ok: 1 }, timestamp: iso(T0 + 5) },
      });
      expect(await events('buffered', 'i1')).toMatchObject([
        { id: sent.event.id, type: 'approve', payload: { ok: 1 }, deliveredAt: iso(T0 + 5), consumedByStepKey: 'approval' },
      ]);

      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      const shape = { keys: ['payload', 'timestamp', 'type'], isDate: true };
      expect(shapes).toEqual([shape, shape]);
      expect(await details('buffered', 'i1')).toEqual({
        status: 'complete',
        output: { type: 'approve', payload: { ok: 1 }, timestamp: iso(T0 + 5) },
      });
    });

    it('delivers events of one type first in, first out to sequential waits', async () => {
      const wf = defineWorkflow({ name: 'fifo' }, async (_event, step) => {
        const first = await step.waitForEvent('first', { type: 'item' });
        const second = await step.waitForEvent('second', { type: 'item' });
        const third = await step.waitForEvent('third', { type: 'item' });
        return [first.payload, second.payload, third.payload];
      });
      await start([wf]);
      await t.client.create('fifo', { id: 'i1' });
      const a = await t.client.sendEvent('fifo', 'i1', { type: 'item', payload: 'A' });
      const b = await t.client.sendEvent('fifo', 'i1', { type: 'item', payload: 'B' });
      expect(await tick()).toBe(1);
      expect(await details('fifo', 'i1')).toEqual({ status: 'waiting' });
      expect(await stepRow('fifo', 'i1', 'third')).toMatchObject({ status: 'waiting', waitEventType: 'item' });

      await t.clock.advance(SECOND);
      const c = await t.client.sendEvent('fifo', 'i1', { type: 'item', payload: 'C' });
      expect(c.status).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(await details('fifo', 'i1')).toEqual({ status: 'complete', output: ['A', 'B', 'C'] });
      expect(await events('fifo', 'i1')).toMatchObject([
        { id: a.event.id, payload: 'A', consumedByStepKey: 'first', deliveredAt: iso(T0) },
        { id: b.event.id, payload: 'B', consumedByStepKey: 'second', deliveredAt: iso(T0) },
        { id: c.event.id, payload: 'C', consumedByStepKey: 'third', deliveredAt: iso(T0 + SECOND) },
      ]);
    });

    it('consumes each event at most once: a second wait of the same type does not get the same event', async () => {
      const wf = defineWorkflow({ name: 'once' }, async (_event, step) => {
        const first = await step.waitForEvent('a', { type: 'ping', timeout: '1 minute' });
        try {
          await step.waitForEvent('b', { type: 'ping', timeout: '1 minute' });
          return { first: first.payload, second: 'received' };
        } catch (error) {
          return { first: first.payload, second: errorInfo(error).name };
        }
      });
      await start([wf]);
      await t.client.create('once', { id: 'i1' });
      await t.client.sendEvent('once', 'i1', { type: 'ping', payload: 1 });
      expect(await tick()).toBe(1);
      expect(await details('once', 'i1')).toEqual({ status: 'waiting' });
      expect(await stepRow('once', 'i1', 'b')).toMatchObject({ status: 'waiting', wakeAt: iso(T0 + MINUTE) });

      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect(await details('once', 'i1')).toEqual({ status: 'complete', output: { first: 1, second: 'WaitForEventTimeoutError' } });
      const stored = await events('once', 'i1');
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ type: 'ping', deliveredAt: iso(T0), consumedByStepKey: 'a' });
    });

    it('leaves events of another type undelivered and is not woken by them', async () => {
      const wf = defineWorkflow({ name: 'typed' }, async (_event, step) => {
        const received = await step.waitForEvent('wanted', { type: 'wanted', timeout: '1 hour' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('typed', { id: 'i1' });
      await t.client.sendEvent('typed', 'i1', { type: 'other', payload: 'early' });
      expect(await tick()).toBe(1);
      expect(await details('typed', 'i1')).toEqual({ status: 'waiting' });

      const other = await t.client.sendEvent('typed', 'i1', { type: 'other', payload: 'late' });
      expect(other.status).toEqual({ status: 'waiting' });
      expect(await tick()).toBe(0);

      await t.clock.advance(SECOND);
      const wanted = await t.client.sendEvent('typed', 'i1', { type: 'wanted', payload: 'yes' });
      expect(wanted.status).toEqual({ status: 'queued' });
      expect(await tick()).toBe(1);
      expect(await details('typed', 'i1')).toEqual({ status: 'complete', output: 'yes' });
      expect(await events('typed', 'i1')).toMatchObject([
        { type: 'other', payload: 'early', deliveredAt: null, consumedByStepKey: null },
        { type: 'other', payload: 'late', deliveredAt: null, consumedByStepKey: null },
        { type: 'wanted', payload: 'yes', deliveredAt: iso(T0 + SECOND), consumedByStepKey: 'wanted' },
      ]);
    });

    it('an event sent while the instance is running is stored and delivered when the run waits for it', async () => {
      const wf = defineWorkflow({ name: 'send-while-running' }, async (event, step) => {
        const receipt = await step.do('send', async () => {
          const sent = await t.client.sendEvent('send-while-running', event.instanceId, { type: 'self', payload: 'from inside' });
          return sent.status.status;
        });
        const received = await step.waitForEvent('receive', { type: 'self' });
        return { statusWhenSent: receipt, payload: received.payload };
      });
      await start([wf]);
      await t.client.create('send-while-running', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await details('send-while-running', 'i1')).toEqual({
        status: 'complete',
        output: { statusWhenSent: 'running', payload: 'from inside' },
      });
      expect(await tick()).toBe(0);
    });

    it('an event sent to a paused instance does not wake it; it is delivered after resume', async () => {
      const wf = defineWorkflow({ name: 'paused-wait' }, async (_event, step) => {
        const received = await step.waitForEvent('receive', { type: 'go', timeout: '1 hour' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('paused-wait', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect((await t.client.pause('paused-wait', 'i1')).details).toEqual({ status: 'paused' });
      const sent = await t.client.sendEvent('paused-wait', 'i1', { type: 'go', payload: 'after pause' });
      expect(sent.status).toEqual({ status: 'paused' });
      expect(await tick()).toBe(0);
      expect(await details('paused-wait', 'i1')).toEqual({ status: 'paused' });
      await t.client.resume('paused-wait', 'i1');
      expect(await tick()).toBe(1);
      expect(await details('paused-wait', 'i1')).toEqual({ status: 'complete', output: 'after pause' });
    });

    it('times out after 24 hours by default with WaitForEventTimeoutError, erroring the instance when uncaught', async () => {
      const wf = defineWorkflow({ name: 'default-timeout' }, async (_event, step) => {
        await step.waitForEvent('never', { type: 'nothing' });
        return 'unreachable';
      });
      await start([wf]);
      await t.client.create('default-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      // A wait runs once; its timeoutMs is the timeout it was given, 24 hours by default.
      expect(await stepRow('default-timeout', 'i1', 'never')).toMatchObject({
        type: 'waitForEvent',
        status: 'waiting',
        waitEventType: 'nothing',
        wakeAt: iso(T0 + DAY),
        maxAttempts: 1,
        timeoutMs: DAY,
      });
      expect((await t.client.get('default-timeout', 'i1')).meta.currentStep).toMatchObject({ name: 'never', maxAttempts: 1, timeoutMs: DAY });
      expect(await details('default-timeout', 'i1')).toEqual({ status: 'waiting' });

      await t.clock.advance(DAY - 1);
      expect(await tick()).toBe(0);
      await t.clock.advance(1);
      expect(await tick()).toBe(1);
      expect(await stepRow('default-timeout', 'i1', 'never')).toMatchObject({
        status: 'errored',
        maxAttempts: 1,
        timeoutMs: DAY,
        error: { name: 'WaitForEventTimeoutError' },
      });
      expect(await details('default-timeout', 'i1')).toMatchObject({ status: 'errored', error: { name: 'WaitForEventTimeoutError' } });
    });

    it('WaitForEventTimeoutError is catchable: the workflow completes', async () => {
      const wf = defineWorkflow({ name: 'catch-timeout' }, async (_event, step) => {
        try {
          await step.waitForEvent('maybe', { type: 'maybe', timeout: '10 seconds' });
          return 'got it';
        } catch (error) {
          return errorInfo(error).name;
        }
      });
      await start([wf]);
      await t.client.create('catch-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('catch-timeout', 'i1', 'maybe')).toMatchObject({ wakeAt: iso(T0 + 10 * SECOND), maxAttempts: 1, timeoutMs: 10 * SECOND });
      await t.clock.advance(10 * SECOND);
      expect(await tick()).toBe(1);
      expect(await details('catch-timeout', 'i1')).toEqual({ status: 'complete', output: 'WaitForEventTimeoutError' });
    });

    it.each([
      ['500 ms', '500 ms'],
      ['366 days', '366 days'],
    ] as [string, Duration][])('a timeout of %s is out of range: InvalidDurationError', async (_label, timeout) => {
      const wf = defineWorkflow({ name: 'bad-timeout' }, async (_event, step) => {
        await step.waitForEvent('bad', { type: 'x', timeout });
      });
      await start([wf]);
      await t.client.create('bad-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('bad-timeout', 'i1', 'bad')).toMatchObject({ status: 'errored', error: { name: 'InvalidDurationError' } });
      expect(await details('bad-timeout', 'i1')).toMatchObject({ status: 'errored', error: { name: 'InvalidDurationError' } });
    });

    it.each([
      ['1 second', SECOND],
      ['365 days', 365 * DAY],
    ] as [Duration, number][])('a timeout of %s is at the edge of the range and accepted', async (timeout, ms) => {
      const wf = defineWorkflow({ name: 'edge-timeout' }, async (_event, step) => {
        await step.waitForEvent('edge', { type: 'x', timeout });
      });
      await start([wf]);
      await t.client.create('edge-timeout', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await stepRow('edge-timeout', 'i1', 'edge')).toMatchObject({ status: 'waiting', wakeAt: iso(T0 + ms), timeoutMs: ms });
    });

    it('delivers an event stored before the deadline even when the runner only gets to it after the deadline', async () => {
      const wf = defineWorkflow({ name: 'late-runner' }, async (_event, step) => {
        const received = await step.waitForEvent('reply', { type: 'reply', timeout: '1 minute' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('late-runner', { id: 'i1' });
      expect(await tick()).toBe(1);
      await t.clock.advance(30 * SECOND);
      await t.client.sendEvent('late-runner', 'i1', { type: 'reply', payload: 'in time' });
      await t.clock.advance(2 * MINUTE);
      expect(await tick()).toBe(1);
      expect(await details('late-runner', 'i1')).toEqual({ status: 'complete', output: 'in time' });
      expect(await events('late-runner', 'i1')).toMatchObject([
        { createdAt: iso(T0 + 30 * SECOND), deliveredAt: iso(T0 + 150 * SECOND), consumedByStepKey: 'reply' },
      ]);
    });

    it('does not deliver an event stored after the deadline: the wait times out and the event stays undelivered', async () => {
      const wf = defineWorkflow({ name: 'too-late' }, async (_event, step) => {
        const received = await step.waitForEvent('reply', { type: 'reply', timeout: '1 minute' });
        return received.payload;
      });
      await start([wf]);
      await t.client.create('too-late', { id: 'i1' });
      expect(await tick()).toBe(1);
      await t.clock.advance(MINUTE + 1);
      await t.client.sendEvent('too-late', 'i1', { type: 'reply', payload: 'too late' });
      expect(await tick()).toBe(1);
      expect(await details('too-late', 'i1')).toMatchObject({ status: 'errored', error: { name: 'WaitForEventTimeoutError' } });
      expect(await events('too-late', 'i1')).toMatchObject([{ payload: 'too late', deliveredAt: null, consumedByStepKey: null }]);
    });
  });
});
