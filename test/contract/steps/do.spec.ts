/**
 * Contract tests of `step.do`: what workflow code gets back, first time and on
 * replay, and results that cannot be stored;
 * on a real SQLite file and a real PostgreSQL database, with a manual clock: time only moves with
 * `clock.advance`, the runner only with `tick`.
 */
import { defineWorkflow } from '../../../src/engine';
import { TEST_DATABASES } from '../../support/databases';
import { ONE_MIB } from '../../support/sizes';
import { stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { HOUR, iso, MINUTE } from '../../support/time';

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  let T0: number;
  const { start, details, tick, steps, stepRow } = stepHarness(kind, (engine) => {
    t = engine as TestEngine;
    T0 = engine?.clock.now() ?? 0;
  });

  // ---------------------------------------------------------------------------------------------
  describe('step.do results and replay', () => {
    it('stores the result, returns its JSON round-trip on the first run, and replays completed steps without calling them again', async () => {
      const calls = { first: 0, empty: 0, last: 0 };
      const seen: unknown[] = [];
      const wf = defineWorkflow({ name: 'do-replay' }, async (_event, step) => {
        const first = await step.do('first', async () => {
          calls.first++;
          return { n: 1, at: new Date(Date.UTC(2030, 0, 2)), nested: { list: [1, 'two', null] }, dropped: undefined };
        });
        const empty = await step.do('empty', async () => {
          calls.empty++;
          return undefined;
        });
        seen.push({ first, emptyIsUndefined: empty === undefined, atType: typeof (first as { at: unknown }).at });
        await step.sleep('nap', '1 minute');
        const last = await step.do('last', () => {
          calls.last++;
          return 42;
        });
        return { first, last };
      });
      await start([wf]);
      await t.client.create('do-replay', { id: 'i1' });

      const roundTripped = { n: 1, at: '2030-01-02T00:00:00.000Z', nested: { list: [1, 'two', null] } };
      expect(await tick()).toBe(1);
      expect(calls).toEqual({ first: 1, empty: 1, last: 0 });
      expect(seen).toHaveLength(1);
      expect(seen[0]).toStrictEqual({ first: roundTripped, emptyIsUndefined: true, atType: 'string' });
      expect(await details('do-replay', 'i1')).toEqual({ status: 'waiting' });
      expect(await steps('do-replay', 'i1')).toMatchObject([
        { stepKey: 'first', name: 'first', type: 'do', status: 'completed', attempts: 1, result: roundTripped, nextRetryAt: null },
        { stepKey: 'empty', name: 'empty', type: 'do', status: 'completed', attempts: 1, result: null },
        { stepKey: 'nap', name: 'nap', type: 'sleep', status: 'waiting', wakeAt: iso(T0 + MINUTE) },
      ]);

      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1);
      expect(calls).toEqual({ first: 1, empty: 1, last: 1 });
      expect(seen).toHaveLength(2);
      expect(seen[1]).toStrictEqual(seen[0]);
      expect(await details('do-replay', 'i1')).toEqual({ status: 'complete', output: { first: roundTripped, last: 42 } });
      expect(await stepRow('do-replay', 'i1', 'last')).toMatchObject({ status: 'completed', result: 42 });
      expect(await tick()).toBe(0);
    });

    it('a completed step name used again later in the same run returns the stored value without calling the callback', async () => {
      let calls = 0;
      const wf = defineWorkflow({ name: 'do-reuse' }, async (_event, step) => {
        const a = await step.do('once', () => ++calls * 10);
        const b = await step.do('once', () => ++calls * 10);
        return [a, b];
      });
      await start([wf]);
      await t.client.create('do-reuse', { id: 'i1' });
      await t.runUntilIdle();
      expect(calls).toBe(1);
      expect(await details('do-reuse', 'i1')).toEqual({ status: 'complete', output: [10, 10] });
      expect(await steps('do-reuse', 'i1')).toHaveLength(1);
    });
  });

  // ---------------------------------------------------------------------------------------------
  describe('StepResultError', () => {
    const circular = () => {
      const value: Record<string, unknown> = { a: 1 };
      value.self = value;
      return value;
    };
    it.each([
      ['a function', () => () => 'fn'],
      ['a BigInt', () => BigInt(10)],
      ['a value over 1 MiB serialised', () => 'x'.repeat(ONE_MIB)],
      ['a circular structure', circular],
    ])('a step returning %s fails without retry with StepResultError', async (_label, makeResult) => {
      let calls = 0;
      const wf = defineWorkflow({ name: 'bad-result' }, async (_event, step) => {
        await step.do('returns', { retries: { limit: 3, delay: '1 second' } }, () => {
          calls++;
          return makeResult() as unknown;
        });
      });
      await start([wf]);
      await t.client.create('bad-result', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(calls).toBe(1);
      expect(await stepRow('bad-result', 'i1', 'returns')).toMatchObject({
        status: 'errored',
        attempts: 1,
        nextRetryAt: null,
        result: null,
        error: { name: 'StepResultError' },
      });
      expect(await details('bad-result', 'i1')).toMatchObject({ status: 'errored', error: { name: 'StepResultError' } });
      await t.clock.advance(HOUR);
      expect(await tick()).toBe(0);
      expect(calls).toBe(1);
    });

    it('a result of exactly 1 MiB serialised is accepted', async () => {
      const wf = defineWorkflow({ name: 'big-result' }, async (_event, step) => {
        const text = await step.do('returns', () => 'y'.repeat(ONE_MIB - 2));
        return text.length;
      });
      await start([wf]);
      await t.client.create('big-result', { id: 'i1' });
      expect(await tick()).toBe(1);
      expect(await details('big-result', 'i1')).toEqual({ status: 'complete', output: ONE_MIB - 2 });
    });
  });
});
