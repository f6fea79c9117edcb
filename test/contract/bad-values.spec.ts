import { defineWorkflow } from '../../src/engine';
import { MAX_ERROR_MESSAGE_BYTES, MAX_ERROR_NAME_CHARS } from '../../src/engine/errors';
import { TRUNCATED_MARK, UNPRINTABLE } from '../../src/engine/text';
import { TEST_DATABASES } from '../support/databases';
import { createTestEngine } from '../support/test-engine';

/**
 * Whatever workflow code throws, logs or returns, the instance ends cleanly and the database
 * stores it: never a crash, never a write that fails (and is retried) forever, and the same
 * result on both databases.
 */
const HOSTILE_VALUES: [string, () => unknown][] = [
  ['Object.create(null)', () => Object.create(null)],
  ['an object whose name and message getters throw', () => ({ get name(): string { throw new Error('name'); }, get message(): string { throw new Error('message'); } })],
  ['a Proxy whose every trap throws', () => new Proxy({}, { get: () => { throw new Error('get'); }, has: () => { throw new Error('has'); }, getPrototypeOf: () => { throw new Error('proto'); } })],
  ['a message whose toString throws', () => ({ message: { toString() { throw 1; } } })],
];

describe.each(TEST_DATABASES)('bad values from workflow code on %s', (kind) => {
  it.each(HOSTILE_VALUES)('a workflow throwing %s errors readably, with a fallback text', async (_what, hostile) => {
    const wf = defineWorkflow({ name: 'hostile' }, async () => {
      throw hostile();
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('hostile', { id: 'h' });
    await t.runUntilIdle();
    const { details } = await t.client.get('hostile', 'h');
    expect(details.status).toBe('errored');
    expect(details.error).toEqual({ name: 'Error', message: UNPRINTABLE });
  });

  it.each(HOSTILE_VALUES)('a step throwing %s fails its attempt and is retried, then errors', async (_what, hostile) => {
    const wf = defineWorkflow({ name: 'hostile-step' }, async (_event, step) => {
      await step.do('poison', { retries: { limit: 1, delay: 1000 } }, async () => {
        throw hostile();
      });
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('hostile-step', { id: 'h' });
    await t.runUntilIdle();
    await t.clock.advance(1000);
    await t.runUntilIdle();
    const { details } = await t.client.get('hostile-step', 'h');
    expect(details).toEqual({ status: 'errored', error: { name: 'Error', message: UNPRINTABLE } });
    const [step] = (await t.client.history('hostile-step', 'h')).steps;
    expect({ status: step.status, attempts: step.attempts }).toEqual({ status: 'errored', attempts: 2 });
  });

  it('NULs in error names, error messages, log messages and log categories are stored as U+FFFD', async () => {
    const wf = defineWorkflow<{ text: string }>({ name: 'nul' }, async (event, step) => {
      step.log.info(`said: ${event.payload.text}`, { text: event.payload.text }, { category: `cat${event.payload.text}` });
      await step.do('first', async () => 1);
      const error = new Error(`failed: ${event.payload.text}`);
      error.name = `Bad${event.payload.text}Name`;
      throw error;
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('nul', { id: 'n', params: { text: 'a\u0000b' } });
    await t.runUntilIdle();
    const { details } = await t.client.get('nul', 'n');
    expect(details).toEqual({ status: 'errored', error: { name: 'Bada\uFFFDbName', message: 'failed: a\uFFFDb' } });
    // Filtered by the category the workflow used, NUL and all.
    const history = await t.client.history('nul', 'n', { includeLogs: true, logCategory: 'cata\u0000b' });
    expect(history.logs!.map((l) => [l.category, l.message, l.data])).toEqual([['cata\uFFFDb', 'said: a\uFFFDb', { text: 'a\u0000b' }]]);
  });

  it('a step name with a NUL (or a lone surrogate) fails that step with InvalidStepNameError, not the write', async () => {
    const wf = defineWorkflow<{ name: string }>({ name: 'bad-name' }, async (event, step) => {
      try {
        await step.do(event.payload.name, async () => 1);
        return 'ran';
      } catch (error) {
        return (error as Error).name;
      }
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('bad-name', { id: 'nul', params: { name: 'step\u0000one' } });
    await t.client.create('bad-name', { id: 'surrogate', params: { name: 'step\uD800' } });
    await t.runUntilIdle();
    expect((await t.client.get('bad-name', 'nul')).details).toEqual({ status: 'complete', output: 'InvalidStepNameError' });
    expect((await t.client.get('bad-name', 'surrogate')).details).toEqual({ status: 'complete', output: 'InvalidStepNameError' });
  });

  it('an error name over 256 characters and a 5 MB message are capped and marked, for the instance and its step', async () => {
    const wf = defineWorkflow({ name: 'huge' }, async (_event, step) => {
      const huge = () => {
        const error = new Error('m'.repeat(5 * 1024 * 1024));
        error.name = 'N'.repeat(100_000);
        return error;
      };
      try {
        await step.do('fails', { retries: { limit: 0, delay: 0 } }, async () => {
          throw huge();
        });
      } catch {
        // On to the run's own failure.
      }
      throw huge();
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('huge', { id: 'h' });
    await t.runUntilIdle();
    const { details } = await t.client.get('huge', 'h');
    const [step] = (await t.client.history('huge', 'h')).steps;
    for (const error of [details.error!, step.error!]) {
      expect(error.name).toHaveLength(MAX_ERROR_NAME_CHARS);
      expect(error.name.endsWith(TRUNCATED_MARK)).toBe(true);
      expect(Buffer.byteLength(error.message)).toBeLessThanOrEqual(MAX_ERROR_MESSAGE_BYTES);
      expect(error.message.endsWith(TRUNCATED_MARK)).toBe(true);
    }
  });

  it('a log category over 64 characters is stored cut to 64, and filtering by the category used finds it', async () => {
    const long = `${'c'.repeat(63)}😀-and-more-${'x'.repeat(40)}`;
    const wf = defineWorkflow({ name: 'long-category' }, async (_event, step) => {
      step.log.info('tagged', undefined, { category: long });
      step.log.info('other', undefined, { category: 'short' });
      await step.do('one', async () => 1);
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('long-category', { id: 'l' });
    await t.runUntilIdle();
    const { logs } = await t.client.history('long-category', 'l', { includeLogs: true, logCategory: long });
    expect(logs!.map((l) => [l.category, l.message])).toEqual([['c'.repeat(63), 'tagged']]);
  });

  it('log calls with values that cannot be printed or serialised store a readable line and never throw', async () => {
    const wf = defineWorkflow({ name: 'weird-log' }, async (_event, step) => {
      const hostile = Object.create(null);
      step.log.info(hostile, { toJSON() { throw new Error('no json'); }, toString() { throw new Error('no text'); } }, { category: hostile });
      step.log.warn('bigint', 10n);
      return 'done';
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('weird-log', { id: 'w' });
    await t.runUntilIdle();
    expect((await t.client.get('weird-log', 'w')).details).toEqual({ status: 'complete', output: 'done' });
    const { logs } = await t.client.history('weird-log', 'w', { includeLogs: true, order: 'asc' });
    const lines = logs!.filter((l) => l.category !== 'system').map((l) => ({ message: l.message, category: l.category, truncated: (l.data as { truncated?: boolean })?.truncated }));
    expect(lines).toEqual([
      { message: UNPRINTABLE, category: UNPRINTABLE, truncated: true },
      { message: 'bigint', category: 'workflow', truncated: true },
    ]);
  });

  it('a write the database refuses errors the instance with StoreWriteError instead of being retried forever', async () => {
    let attempts = 0;
    const wf = defineWorkflow({ name: 'refused' }, async (_event, step) => {
      await step.do('fine', async () => 'ok');
      await step.do('poison', async () => {
        attempts++;
        return 'refuse-me';
      });
      return 'unreachable';
    });
    const t = await createTestEngine(kind, [wf]);
    // A real refusal from the real database, for a value no normalisation could foresee.
    const sql = t.store.connection.statement();
    if (kind === 'postgres') {
      await sql.run(`ALTER TABLE workflow_step ADD CONSTRAINT test_refuse CHECK (result IS NULL OR result NOT LIKE '%refuse-me%')`);
    } else {
      await sql.run(`CREATE TRIGGER test_refuse BEFORE INSERT ON workflow_step WHEN NEW.result LIKE '%refuse-me%' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    }
    try {
      await t.client.create('refused', { id: 'r' });
      await t.runUntilIdle();
      const { details } = await t.client.get('refused', 'r');
      expect(details.status).toBe('errored');
      expect(details.error!.name).toBe('StoreWriteError');
      expect(details.error!.message).toMatch(/refused to store/);
      expect(attempts).toBe(1);
      const history = await t.client.history('refused', 'r');
      expect(history.steps.map((s) => [s.name, s.status])).toEqual([['fine', 'completed']]);
      // Nothing left to claim: no endless retry.
      expect(await t.runUntilIdle()).toBe(0);
    } finally {
      await sql.run(kind === 'postgres' ? 'ALTER TABLE workflow_step DROP CONSTRAINT test_refuse' : 'DROP TRIGGER test_refuse');
    }
  });

  it('values whose toJSON gives nothing fail cleanly: as output, as a step result, as log data', async () => {
    const nothing = { toJSON: () => undefined };
    const output = defineWorkflow({ name: 'no-output' }, async () => nothing);
    const result = defineWorkflow({ name: 'no-result' }, async (_event, step) => {
      try {
        await step.do('gives nothing', async () => nothing);
      } catch (error) {
        step.log.info('logged nothing', nothing);
        return (error as Error).name;
      }
    });
    const t = await createTestEngine(kind, [output, result]);
    await t.client.create('no-output', { id: 'o' });
    await t.client.create('no-result', { id: 'r' });
    await t.runUntilIdle();
    expect((await t.client.get('no-output', 'o')).details).toMatchObject({ status: 'errored', error: { name: 'WorkflowOutputError' } });
    expect((await t.client.get('no-result', 'r')).details).toEqual({ status: 'complete', output: 'StepResultError' });
    const { logs } = await t.client.history('no-result', 'r', { includeLogs: true, logCategory: 'workflow' });
    expect(logs!.map((l) => [l.message, (l.data as { truncated?: boolean }).truncated])).toEqual([['logged nothing', true]]);
  });

  it('a refused write when the run suspends (not a step commit) also errors it with StoreWriteError', async () => {
    const wf = defineWorkflow({ name: 'refused-wait' }, async (_event, step) => {
      await step.do('fine', async () => 'ok');
      await step.waitForEvent('wait', { type: 'refuse-me', timeout: '1 hour' });
    });
    const t = await createTestEngine(kind, [wf]);
    const sql = t.store.connection.statement();
    if (kind === 'postgres') {
      await sql.run(`ALTER TABLE workflow_step ADD CONSTRAINT test_refuse_wait CHECK (wait_event_type IS DISTINCT FROM 'refuse-me')`);
    } else {
      await sql.run(`CREATE TRIGGER test_refuse_wait BEFORE INSERT ON workflow_step WHEN NEW.wait_event_type = 'refuse-me' BEGIN SELECT RAISE(ABORT, 'refused by test'); END`);
    }
    try {
      await t.client.create('refused-wait', { id: 'w' });
      await t.runUntilIdle();
      const { details } = await t.client.get('refused-wait', 'w');
      expect(details).toMatchObject({ status: 'errored', error: { name: 'StoreWriteError' } });
      expect(await t.runUntilIdle()).toBe(0);
    } finally {
      await sql.run(kind === 'postgres' ? 'ALTER TABLE workflow_step DROP CONSTRAINT test_refuse_wait' : 'DROP TRIGGER test_refuse_wait');
    }
  });

  it('numbers the databases store differently are made whole and bounded the same way on both', async () => {
    const wf = defineWorkflow({ name: 'numbers' }, async (_event, step) => {
      await step.sleepUntil('long ago', -8.64e15);
      const timed = await step.do('fractional timeout', { timeout: 1500.5 }, async () => 'ok');
      let limit = 'accepted';
      try {
        await step.do('huge retry limit', { retries: { limit: 3e9, delay: 1 } }, async () => 'no');
      } catch (error) {
        limit = (error as Error).name;
      }
      return { timed, limit };
    });
    const t = await createTestEngine(kind, [wf]);
    await t.client.create('numbers', { id: 'n' });
    await t.runUntilIdle();
    expect((await t.client.get('numbers', 'n')).details).toEqual({ status: 'complete', output: { timed: 'ok', limit: 'InvalidDurationError' } });
    const steps = (await t.client.history('numbers', 'n', { order: 'asc' })).steps;
    expect(steps.map((s) => [s.name, s.wakeAt, s.timeoutMs])).toEqual([
      ['long ago', '1970-01-01T00:00:00.000Z', null],
      ['fractional timeout', null, 1501],
      ['huge retry limit', null, null],
    ]);
  });
});
