/**
 * The testing kit (`durable-workflows/testing`) as an author uses it: time moves only through
 * `advance`, and nothing waits for real.
 */
import { Client } from 'pg';
import { defineWorkflow, NonRetryableError, Workflow, WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from '../../src/engine';
import { openWorkflowStore } from '../../src/persistence/open-workflow-store';
import { createTestEngine } from '../../src/testing';
import { createTestDatabase, TEST_DATABASES } from '../support/databases';
import { kitEngine } from '../support/kit-engine';
import { HOUR, iso, MINUTE, SECOND } from '../support/time';

const START = Date.UTC(2030, 0, 1);

/** Sleeps for `params.ms`, then notes when it woke (in the step's result). */
const napper = defineWorkflow<{ ms: number }>({ name: 'napper' }, async (event, step) => {
  await step.sleep('nap', event.payload.ms);
  return step.do('wake up', async () => 'awake');
});

const hanging = defineWorkflow({ name: 'hanging' }, async (_event, step) => {
  await step.do('never answers', { retries: { limit: 0, delay: 0 }, timeout: '10 minutes' }, () => new Promise<never>(() => {}));
});

describe.each(TEST_DATABASES)('the testing kit on %s', (kind) => {
  it('a 24-hour sleep ends when the clock is advanced past it, not before', async () => {
    const t = await kitEngine(kind, { workflows: [napper], startAt: START });
    await t.create('napper', { id: 'n', params: { ms: 24 * HOUR } });
    await t.runUntilIdle();
    expect((await t.get('napper', 'n')).meta.currentStep).toMatchObject({ name: 'nap', status: 'waiting', wakeAt: iso(START + 24 * HOUR) });

    await t.advance('23 hours');
    expect((await t.get('napper', 'n')).details.status).toBe('waiting');
    await t.advance('1 hour');
    expect((await t.get('napper', 'n')).details).toEqual({ status: 'complete', output: 'awake' });
    expect(t.now().getTime()).toBe(START + 24 * HOUR);
  });

  it('runUntilIdle runs what is due now and leaves time where it is', async () => {
    const t = await kitEngine(kind, { workflows: [napper], startAt: START });
    await t.create('napper', { id: 'short', params: { ms: 0 } });
    await t.create('napper', { id: 'long', params: { ms: MINUTE } });
    await t.runUntilIdle();
    expect((await t.get('napper', 'short')).details.status).toBe('complete');
    expect((await t.get('napper', 'long')).details.status).toBe('waiting');
    expect(t.now().getTime()).toBe(START);
  });

  it('advance fires what comes due on the way in time order, each at its own time', async () => {
    const woke: [string, number][] = [];
    const t = await kitEngine(kind, { workflows: [napper], startAt: START });
    t.mockStep('wake up', () => woke.push([t.now().toISOString(), woke.length]));
    for (const [id, ms] of [['three', 3 * HOUR], ['one', HOUR], ['two', 2 * HOUR]] as const) await t.create('napper', { id, params: { ms } });
    await t.advance('5 hours');
    expect(woke).toEqual([
      [iso(START + HOUR), 0],
      [iso(START + 2 * HOUR), 1],
      [iso(START + 3 * HOUR), 2],
    ]);
    expect(t.now().getTime()).toBe(START + 5 * HOUR);
  });

  it('retries wait out their backoff: each attempt runs at its due time within one advance', async () => {
    const attempts: string[] = [];
    const flaky = defineWorkflow({ name: 'flaky' }, (_event, step) =>
      step.do('call', { retries: { limit: 3, delay: '1 second', backoff: 'exponential' } }, ({ attempt }) => {
        attempts.push(t.now().toISOString());
        if (attempt < 4) throw new Error(`down (${attempt})`);
        return 'up';
      }),
    );
    const t = await kitEngine(kind, { workflows: [flaky], startAt: START });
    await t.create('flaky', { id: 'f' });
    await t.advance('1 minute');
    expect(attempts).toEqual([iso(START), iso(START + SECOND), iso(START + 3 * SECOND), iso(START + 7 * SECOND)]);
    expect((await t.get('flaky', 'f')).details).toEqual({ status: 'complete', output: 'up' });
  });

  describe('waitForEvent', () => {
    const approval = defineWorkflow({ name: 'decision' }, async (_event, step) => {
      try {
        return (await step.waitForEvent<{ ok: boolean }>('decide', { type: 'decision', timeout: '1 hour' })).payload;
      } catch (error) {
        return { timedOut: (error as Error).name };
      }
    });

    it('an event sent before the deadline is received', async () => {
      const t = await kitEngine(kind, { workflows: [approval] });
      await t.create('decision', { id: 'd' });
      await t.runUntilIdle();
      await t.advance('59 minutes');
      await t.sendEvent('decision', 'd', { type: 'decision', payload: { ok: true } });
      await t.runUntilIdle();
      expect((await t.get('decision', 'd')).details).toEqual({ status: 'complete', output: { ok: true } });
    });

    it('without an event, the deadline passes when the clock reaches it', async () => {
      const t = await kitEngine(kind, { workflows: [approval] });
      await t.create('decision', { id: 'd' });
      await t.advance('59 minutes');
      expect((await t.get('decision', 'd')).details.status).toBe('waiting');
      await t.advance('1 minute');
      expect((await t.get('decision', 'd')).details).toEqual({ status: 'complete', output: { timedOut: 'WaitForEventTimeoutError' } });
    });
  });

  it("a step that never answers fails when the clock reaches its attempt's timeout", async () => {
    const t = await kitEngine(kind, { workflows: [hanging] });
    await t.create('hanging', { id: 'h' });
    await t.runUntilIdle();
    await t.advance('9 minutes');
    expect((await t.get('hanging', 'h')).details.status).toBe('running');
    await t.advance('1 minute');
    expect((await t.get('hanging', 'h')).details).toEqual({
      status: 'errored',
      error: { name: 'StepTimeoutError', message: 'Step "never answers" attempt 1 timed out after 600000 ms' },
    });
  });

  describe('mockStep', () => {
    const charge = defineWorkflow<{ amount: number }>({ name: 'checkout' }, async (event, step) => {
      const receipt = await step.do('charge card', { retries: { limit: 2, delay: '5 seconds', backoff: 'constant' } }, async () => {
        throw new Error('the real payment provider is not reachable from a test');
      });
      return { receipt, amount: event.payload.amount };
    });
    const refund = defineWorkflow({ name: 'refund' }, (_event, step) => step.do('charge card', () => 'real refund'));

    it('answers a step.do in every workflow; the result is stored as the step’s', async () => {
      const t = await kitEngine(kind, { workflows: [charge, refund] });
      const calls: number[] = [];
      t.mockStep('charge card', ({ attempt }) => (calls.push(attempt), { id: 'ch_1' }));
      await t.create('checkout', { id: 'c', params: { amount: 5 } });
      await t.create('refund', { id: 'r' });
      await t.runUntilIdle();
      expect((await t.get('checkout', 'c')).details).toEqual({ status: 'complete', output: { receipt: { id: 'ch_1' }, amount: 5 } });
      expect((await t.get('refund', 'r')).details).toEqual({ status: 'complete', output: { id: 'ch_1' } });
      expect(calls).toEqual([1, 1]);
      const { steps } = await t.history('checkout', 'c');
      expect(steps).toEqual([expect.objectContaining({ name: 'charge card', status: 'completed', result: { id: 'ch_1' }, attempts: 1, maxAttempts: 3 })]);
    });

    it("a workflow's own mock wins; a throwing mock is retried by the step's config; removing it restores the callback", async () => {
      const t = await kitEngine(kind, { workflows: [charge, refund] });
      t.mockStep('charge card', () => 'everywhere');
      t.mockStep('checkout', 'charge card', ({ attempt }) => {
        if (attempt < 3) throw new Error('declined for now');
        return 'third time';
      });
      await t.create('checkout', { id: 'c', params: { amount: 1 } });
      await t.advance('10 seconds');
      expect((await t.get('checkout', 'c')).details).toEqual({ status: 'complete', output: { receipt: 'third time', amount: 1 } });

      const unmock = t.mockStep('refund', 'charge card', () => 'mocked refund');
      unmock();
      await t.create('refund', { id: 'r' });
      await t.runUntilIdle();
      expect((await t.get('refund', 'r')).details.output).toBe('everywhere');
    });

    it('a NonRetryableError from a mock fails the step at once; a mock for an unknown workflow is refused', async () => {
      const t = await kitEngine(kind, { workflows: [charge] });
      t.mockStep('checkout', 'charge card', () => {
        throw new NonRetryableError('card declined');
      });
      await t.create('checkout', { id: 'c', params: { amount: 1 } });
      await t.runUntilIdle();
      expect((await t.get('checkout', 'c')).details).toEqual({ status: 'errored', error: { name: 'NonRetryableError', message: 'card declined' } });
      expect(() => t.mockStep('chekout', 'charge card', () => 1)).toThrow(expect.objectContaining({ code: 'WORKFLOW_NOT_FOUND' }));
    });
  });

  it('takes @Workflow classes with constructor dependencies as instances, with this.workflows bound', async () => {
    class Mailer {
      readonly sent: string[] = [];
      send(to: string) {
        this.sent.push(to);
        return `mail to ${to}`;
      }
    }
    @Workflow({ name: 'welcome' })
    class WelcomeWorkflow extends WorkflowEntrypoint<{ email: string }> {
      constructor(private readonly mailer: Mailer) {
        super();
      }
      async run(event: WorkflowEvent<{ email: string }>, step: WorkflowStep) {
        const mail = await step.do('send mail', () => this.mailer.send(event.payload.email));
        const { instances } = await this.workflows.list('welcome');
        return { mail, instances: instances.length };
      }
    }
    // The class itself would be made without its mailer: refused, naming the fix.
    await expect(kitEngine(kind, { workflows: [WelcomeWorkflow] })).rejects.toThrow(
      'Class WelcomeWorkflow declares constructor parameters: pass an instance (new WelcomeWorkflow(…)), or let WorkflowsModule inject them',
    );
    const mailer = new Mailer();
    const t = await kitEngine(kind, { workflows: [new WelcomeWorkflow(mailer)] });
    await t.create('welcome', { id: 'w', params: { email: 'ada@example.test' } });
    await t.runUntilIdle();
    expect((await t.get('welcome', 'w')).details).toEqual({ status: 'complete', output: { mail: 'mail to ada@example.test', instances: 1 } });
    expect(mailer.sent).toEqual(['ada@example.test']);
  });

  it('offers the client’s lifecycle methods with their results and errors', async () => {
    const t = await kitEngine(kind, { workflows: [napper] });
    expect(await t.create('napper', { id: 'n', params: { ms: HOUR } })).toEqual({ id: 'n', details: { status: 'queued' } });
    await t.runUntilIdle();
    expect(await t.pause('napper', 'n')).toMatchObject({ id: 'n', details: { status: 'paused' } });
    await t.advance('2 hours');
    expect((await t.get('napper', 'n')).details.status).toBe('paused');
    await t.resume('napper', 'n');
    await t.runUntilIdle();
    expect((await t.get('napper', 'n')).details.status).toBe('complete');
    expect((await t.list('napper')).instances.map((i) => i.id)).toEqual(['n']);
    expect(await t.delete('napper', 'n')).toMatchObject({ id: 'n' });
    await expect(t.get('napper', 'n')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });

  it('close releases the database and refuses further runs', async () => {
    const database = await createTestDatabase(kind);
    try {
      const t = await createTestEngine({ workflows: [hanging, napper], database: database.url });
      await t.create('hanging', { id: 'h' });
      await t.runUntilIdle();
      await t.close();
      await expect(t.runUntilIdle()).rejects.toThrow('This test engine is closed');
      // SQLite's exclusive lock and PostgreSQL's connections are gone: another process could open it.
      if (kind === 'postgres') await expectNoConnections(database.url);
      const again = await openWorkflowStore({ url: database.url });
      await again.close();
    } finally {
      await database.drop();
    }
  });
});

describe('the testing kit on its default database', () => {
  it('is in memory, private to each engine', async () => {
    const first = await createTestEngine({ workflows: [napper] });
    const second = await createTestEngine({ workflows: [napper] });
    try {
      await first.create('napper', { id: 'n', params: { ms: 0 } });
      expect((await second.list('napper')).instances).toEqual([]);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

async function expectNoConnections(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  const admin = new Client({ connectionString: url.replace(`/${name}`, '/postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
    expect(rows[0].n).toBe(0);
  } finally {
    await admin.end();
  }
}
