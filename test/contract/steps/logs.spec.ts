/**
 * Contract tests of `step.log`: attribution, replay marks, system lines, filters,
 * truncation;
 * on a real SQLite file and a real PostgreSQL database, with a manual clock: time only moves with
 * `clock.advance`, the runner only with `tick`.
 */
import { defineWorkflow } from '../../../src/engine';
import { TEST_DATABASES } from '../../support/databases';
import { stepHarness } from '../../support/steps';
import type { TestEngine } from '../../support/test-engine';
import { iso, MINUTE, SECOND } from '../../support/time';

describe.each(TEST_DATABASES)('step semantics on %s', (kind) => {
  let t: TestEngine;
  let T0: number;
  const { start, details, tick, logs } = stepHarness(kind, (engine) => {
    t = engine as TestEngine;
    T0 = engine?.clock.now() ?? 0;
  });

  // ---------------------------------------------------------------------------------------------
  describe('step.log', () => {
    function logWorkflow() {
      return defineWorkflow({ name: 'logging' }, async (_event, step) => {
        step.log.info('before first step');
        await step.do('fetch', async ({ attempt }) => {
          step.log.info('inside fetch', { attempt });
          return 1;
        });
        step.log.warn('between', { n: 1 }, { category: 'audit' });
        await step.sleep('nap', '1 minute');
        step.log.info('after sleep');
        await step.do('flaky', { retries: { limit: 1, delay: '1 second', backoff: 'constant' } }, async ({ attempt }) => {
          step.log.debug('flaky try');
          if (attempt === 1) throw new Error('first try fails');
          return 2;
        });
        step.log.error('done', { ok: true }, { category: 'system' });
        return 'ok';
      });
    }

    async function runLogWorkflow() {
      await start([logWorkflow()]);
      await t.client.create('logging', { id: 'i1' });
      expect(await tick()).toBe(1); // runs to the sleep
      await t.clock.advance(MINUTE);
      expect(await tick()).toBe(1); // replays, then flaky fails once
      await t.clock.advance(SECOND);
      expect(await tick()).toBe(1); // replays, flaky succeeds, completes
      expect(await details('logging', 'i1')).toEqual({ status: 'complete', output: 'ok' });
    }

    it('records stepKey and attempt inside steps, null outside, and isReplay only for lines re-executed during replay', async () => {
      await runLogWorkflow();
      const lines = (await logs('logging', 'i1'))
        .filter((l) => l.category !== 'system' || l.message === 'done')
        .map(({ level, category, stepKey, attempt, isReplay, message, data }) => ({
          level,
          category,
          stepKey,
          attempt,
          isReplay,
          message,
          data,
        }));
      expect(lines).toEqual([
        // first claim: nothing is replayed
        { level: 'info', category: 'workflow', stepKey: null, attempt: null, isReplay: false, message: 'before first step', data: null },
        { level: 'info', category: 'workflow', stepKey: 'fetch', attempt: 1, isReplay: false, message: 'inside fetch', data: { attempt: 1 } },
        { level: 'warn', category: 'audit', stepKey: null, attempt: null, isReplay: false, message: 'between', data: { n: 1 } },
        // second claim: replay up to the sleep that was not completed yet
        { level: 'info', category: 'workflow', stepKey: null, attempt: null, isReplay: true, message: 'before first step', data: null },
        { level: 'warn', category: 'audit', stepKey: null, attempt: null, isReplay: true, message: 'between', data: { n: 1 } },
        { level: 'info', category: 'workflow', stepKey: null, attempt: null, isReplay: false, message: 'after sleep', data: null },
        { level: 'debug', category: 'workflow', stepKey: 'flaky', attempt: 1, isReplay: false, message: 'flaky try', data: null },
        // third claim: replay up to the step waiting for its retry
        { level: 'info', category: 'workflow', stepKey: null, attempt: null, isReplay: true, message: 'before first step', data: null },
        { level: 'warn', category: 'audit', stepKey: null, attempt: null, isReplay: true, message: 'between', data: { n: 1 } },
        { level: 'info', category: 'workflow', stepKey: null, attempt: null, isReplay: true, message: 'after sleep', data: null },
        { level: 'debug', category: 'workflow', stepKey: 'flaky', attempt: 2, isReplay: false, message: 'flaky try', data: null },
        // 'system' is reserved: a user line asking for it gets the default category
        { level: 'error', category: 'workflow', stepKey: null, attempt: null, isReplay: false, message: 'done', data: { ok: true } },
      ]);
    });

    it('writes system lines for run started, attempt failed, retry scheduled and completed; users cannot write system lines', async () => {
      await runLogWorkflow();
      const system = await logs('logging', 'i1', { logCategory: 'system' });
      expect(system.every((l) => l.category === 'system' && l.isReplay === false)).toBe(true);
      expect(system.map(({ level, stepKey, attempt, message }) => ({ level, stepKey, attempt, message }))).toEqual([
        { level: 'info', stepKey: null, attempt: null, message: expect.stringMatching(/^Run 0 started$/) },
        { level: 'warn', stepKey: 'flaky', attempt: 1, message: expect.stringMatching(/attempt 1 failed.*first try fails/i) },
        {
          level: 'info',
          stepKey: 'flaky',
          attempt: 1,
          message: expect.stringMatching(new RegExp(`retry scheduled.*${iso(T0 + MINUTE + SECOND).replace(/\./g, '\\.')}`, 'i')),
        },
        { level: 'info', stepKey: null, attempt: null, message: expect.stringMatching(/^Run 0 completed$/) },
      ]);
    });

    it('writes an errored system line when the run errors', async () => {
      const wf = defineWorkflow({ name: 'log-errored' }, async (_event, step) => {
        await step.do('bad', { retries: { limit: 0, delay: 0 } }, () => {
          throw new Error('kaput');
        });
      });
      await start([wf]);
      await t.client.create('log-errored', { id: 'i1' });
      await t.runUntilIdle();
      const system = await logs('log-errored', 'i1', { logCategory: 'system' });
      expect(system.map(({ level, message }) => ({ level, message }))).toEqual([
        { level: 'info', message: expect.stringMatching(/^Run 0 started$/) },
        { level: 'warn', message: expect.stringMatching(/attempt 1 failed.*kaput/i) },
        { level: 'error', message: expect.stringMatching(/^Run 0 errored: .*kaput/) },
      ]);
    });

    it('filters by logLevel (that level and more severe) and by logCategory', async () => {
      await runLogWorkflow();
      const warnAndUp = await logs('logging', 'i1', { logLevel: 'warn' });
      expect(warnAndUp.map(({ level, category, message }) => ({ level, category, message }))).toEqual([
        { level: 'warn', category: 'audit', message: 'between' },
        { level: 'warn', category: 'audit', message: 'between' },
        { level: 'warn', category: 'system', message: expect.stringMatching(/attempt 1 failed/i) },
        { level: 'warn', category: 'audit', message: 'between' },
        { level: 'error', category: 'workflow', message: 'done' },
      ]);
      const errorsOnly = await logs('logging', 'i1', { logLevel: 'error' });
      expect(errorsOnly.map((l) => l.message)).toEqual(['done']);
      const all = await logs('logging', 'i1', { logLevel: 'debug' });
      expect(all).toHaveLength((await logs('logging', 'i1')).length);
      expect(all.filter((l) => l.level === 'debug')).toHaveLength(2);

      const audit = await logs('logging', 'i1', { logCategory: 'audit' });
      expect(audit.map((l) => [l.category, l.message, l.isReplay])).toEqual([
        ['audit', 'between', false],
        ['audit', 'between', true],
        ['audit', 'between', true],
      ]);
      const workflowErrors = await logs('logging', 'i1', { logCategory: 'workflow', logLevel: 'error' });
      expect(workflowErrors.map((l) => l.message)).toEqual(['done']);
    });

    it('truncates a message over 2,048 characters to at most 2,048 and marks it; a message of exactly 2,048 is kept', async () => {
      const long = 'a'.repeat(1000) + 'b'.repeat(4000);
      const exact = 'c'.repeat(2048);
      const wf = defineWorkflow({ name: 'long-log' }, async (_event, step) => {
        step.log.info(long);
        step.log.info(exact);
        step.log.info('big data', { blob: 'x'.repeat(70 * 1024) });
        return 'ok';
      });
      await start([wf]);
      await t.client.create('long-log', { id: 'i1' });
      await t.runUntilIdle();
      const lines = await logs('long-log', 'i1', { logCategory: 'workflow' });
      expect(lines).toHaveLength(3);
      const [truncated, kept, bigData] = lines;
      expect(truncated.message.length).toBeLessThanOrEqual(2048);
      expect(truncated.message.length).toBeGreaterThan(1900);
      expect(truncated.message.startsWith('a'.repeat(1000) + 'b'.repeat(800))).toBe(true);
      expect(truncated.message).toMatch(/truncated\]?$/);
      expect(kept.message).toBe(exact);
      expect(bigData.message).toBe('big data');
      expect(bigData.data).toMatchObject({ truncated: true });
      expect(JSON.stringify(bigData.data).length).toBeLessThanOrEqual(64 * 1024);
    });
  });
});
