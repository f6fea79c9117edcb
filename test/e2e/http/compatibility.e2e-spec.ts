/**
 * Where the seed page is silent, the original fragment's behaviour is the contract, so its own
 * clients (its CLI among them) work against this server. Each test pins one field or default of
 * that compatibility over HTTP; docs/http-api.md lists them under "Compatibility".
 */
import request from 'supertest';
import { defineWorkflow } from '../../../src/engine';
import { TEST_DATABASES } from '../../support/databases';
import { BASE, expectError, expectIssues } from '../../support/http';
import { createTestApp } from '../../support/test-app';

const echo = defineWorkflow({ name: 'echo' }, async (event) => event.payload);

const steps = defineWorkflow({ name: 'steps' }, async (_event, step) => {
  await step.do('first', async () => 1);
  // A time that has passed: the sleep is stored and done at once, with no waiting in the test.
  await step.sleepUntil('nap', new Date(0));
  const reply = await step.waitForEvent<{ ok: boolean }>('reply', { type: 'reply', timeout: '2 hours' });
  await step.do('last', async () => {
    step.log.info('after the reply');
    return reply.payload;
  });
  return 'done';
});

const many = defineWorkflow({ name: 'many' }, async (_event, step) => {
  for (let i = 1; i <= 5; i++) await step.do(`s${i}`, async () => i);
});

describe.each(TEST_DATABASES)('compatibility with the original fragment on %s', (kind) => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  const http = () => request(app.http);
  const tick = async () => expect((await http().post(`${BASE}/_runner/tick`).send({ maxInstances: 100 })).status).toBe(200);
  const url = (workflow: string, id = '') => `${BASE}/workflows/${workflow}/instances${id ? `/${id}` : ''}`;
  const history = async (workflow: string, id: string, query: Record<string, string | number | boolean> = {}) => {
    const res = await http().get(`${url(workflow, id)}/history`).query(query);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    app = await createTestApp(kind, { workflows: [echo, steps, many], runner: { enabled: false }, enableRunnerTick: true });
    // One instance at its wait, one finished with five steps: what the tests below read.
    expect((await http().post(url('steps')).send({ id: 'waiting' })).status).toBe(201);
    expect((await http().post(url('many')).send({ id: 'five' })).status).toBe(201);
    await tick();
  });
  afterAll(() => app?.close());

  it('names steps by stepKey (their name) in history and in currentStep', async () => {
    const { steps: rows } = await history('steps', 'waiting', { order: 'asc' });
    expect(rows.map((s: { stepKey: string; name: string }) => [s.stepKey, s.name])).toEqual([
      ['first', 'first'],
      ['nap', 'nap'],
      ['reply', 'reply'],
    ]);
    const { body } = await http().get(url('steps', 'waiting'));
    expect(body.meta.currentStep).toMatchObject({ stepKey: 'reply', name: 'reply', type: 'waitForEvent', status: 'waiting' });
  });

  it('gives sleeps and waits maxAttempts 1, and a wait its timeout in ms', async () => {
    const { steps: rows } = await history('steps', 'waiting', { order: 'asc' });
    expect(rows.map((s: { type: string; maxAttempts: number | null; timeoutMs: number | null }) => [s.type, s.maxAttempts, s.timeoutMs])).toEqual([
      ['do', 6, 600_000],
      ['sleep', 1, null],
      ['waitForEvent', 1, 2 * 3600_000],
    ]);
    const { body } = await http().get(url('steps', 'waiting'));
    expect(body.meta.currentStep).toMatchObject({ maxAttempts: 1, timeoutMs: 2 * 3600_000 });
  });

  it('says consumedByStepKey on events and stepKey on log lines', async () => {
    expect((await http().post(`${url('steps', 'waiting')}/events`).send({ type: 'reply', payload: { ok: true } })).status).toBe(200);
    await tick();
    const done = await history('steps', 'waiting', { includeLogs: true, logCategory: 'workflow' });
    expect(done.events).toEqual([expect.objectContaining({ type: 'reply', consumedByStepKey: 'reply' })]);
    expect(done.events[0]).not.toHaveProperty('consumedByStep');
    expect(done.logs).toEqual([expect.objectContaining({ stepKey: 'last', message: 'after the reply' })]);
    expect(done.logs[0]).not.toHaveProperty('stepName');
  });

  it('numbers the first run 0 and each restart one more; runNumber=0 reads the first run', async () => {
    expect((await http().post(url('echo')).send({ id: 'runs', params: { n: 1 } })).status).toBe(201);
    await tick();
    expect((await http().get(url('echo', 'runs'))).body.meta.runNumber).toBe(0);
    const first = await history('echo', 'runs', { includeLogs: true, logCategory: 'system', order: 'asc' });
    expect(first.runNumber).toBe(0);
    expect(first.logs.map((l: { message: string }) => l.message)).toEqual(['Run 0 started', 'Run 0 completed']);

    expect((await http().post(`${url('echo', 'runs')}/restart`)).status).toBe(200);
    await tick();
    expect((await http().get(url('echo', 'runs'))).body.meta.runNumber).toBe(1);
    const second = await history('echo', 'runs', { includeLogs: true, logCategory: 'system', order: 'asc' });
    expect(second.runNumber).toBe(1);
    expect(second.logs.map((l: { message: string }) => l.message)).toEqual(['Restarted (run 0 was complete)', 'Run 1 started', 'Run 1 completed']);
    expect((await history('echo', 'runs', { runNumber: 0, includeLogs: true, logCategory: 'system' })).runNumber).toBe(0);
  });

  it('answers a run after the current one with an empty history, and a negative one with 400', async () => {
    expect(await history('many', 'five', { runNumber: 3, includeLogs: true })).toEqual({
      runNumber: 3,
      steps: [],
      stepsHasNextPage: false,
      events: [],
      eventsHasNextPage: false,
      logs: [],
      logsHasNextPage: false,
    });
    expectError(await http().get(`${url('many', 'five')}/history`).query({ runNumber: -1 }), 400, 'VALIDATION_ERROR');
  });

  it('lists history newest first unless asked otherwise', async () => {
    const names = (body: { steps: { name: string }[] }) => body.steps.map((s) => s.name);
    expect(names(await history('many', 'five'))).toEqual(['s5', 's4', 's3', 's2', 's1']);
    expect(names(await history('many', 'five', { order: 'asc' }))).toEqual(['s1', 's2', 's3', 's4', 's5']);
    const logs = (await history('many', 'five', { includeLogs: true, logCategory: 'system' })).logs.map((l: { message: string }) => l.message);
    expect(logs).toEqual(['Run 0 completed', 'Run 0 started']);
  });

  it('continues a cursor with its own page size and order; an explicit pageSize still wins, an explicit order does not', async () => {
    const names = (body: { steps: { name: string }[] }) => body.steps.map((s) => s.name);
    const first = await history('many', 'five', { pageSize: 2, order: 'asc' });
    expect(names(first)).toEqual(['s1', 's2']);
    // No pageSize, and the opposite order: the cursor's size (2) and order (asc) go on.
    const second = await history('many', 'five', { stepsCursor: first.stepsCursor, order: 'desc' });
    expect([names(second), second.stepsHasNextPage]).toEqual([['s3', 's4'], true]);
    const rest = await history('many', 'five', { stepsCursor: second.stepsCursor, pageSize: 10 });
    expect([names(rest), rest.stepsHasNextPage, rest.stepsCursor]).toEqual([['s5'], false, undefined]);
  });

  it('a history cursor keeps paging its own run after a restart, and refuses to page another', async () => {
    expect((await http().post(url('many')).send({ id: 'restarted' })).status).toBe(201);
    await tick();
    const first = await history('many', 'restarted', { pageSize: 2, order: 'asc' });
    expect((await http().post(`${url('many', 'restarted')}/restart`)).status).toBe(200);
    const next = await history('many', 'restarted', { stepsCursor: first.stepsCursor });
    expect([next.runNumber, next.steps.map((s: { name: string; runNumber: number }) => `${s.runNumber}:${s.name}`)]).toEqual([0, ['0:s3', '0:s4']]);
    expectError(await http().get(`${url('many', 'restarted')}/history`).query({ stepsCursor: first.stepsCursor, runNumber: 1 }), 400, 'INVALID_CURSOR');
    // Beyond any run a database could hold: still an empty answer, never the database's error.
    expect((await history('many', 'restarted', { runNumber: 2 ** 31 - 1 })).steps).toEqual([]);
    expectError(await http().get(`${url('many', 'restarted')}/history`).query({ runNumber: 2 ** 31 }), 400, 'VALIDATION_ERROR');
  });

  it('continues an instance list with the page size its cursor carries', async () => {
    expect((await http().post(`${BASE}/workflows/echo/instances/batch`).send({ instances: [1, 2, 3, 4, 5].map((i) => ({ id: `list-${i}` })) })).status).toBe(201);
    const total = (await http().get(url('echo')).query({ pageSize: 100 })).body.instances.length;
    expect(total).toBeGreaterThanOrEqual(5);
    const first = await http().get(url('echo')).query({ pageSize: 2 });
    expect(first.body.instances).toHaveLength(2);
    const second = await http().get(url('echo')).query({ cursor: first.body.cursor });
    expect(second.body.instances).toHaveLength(2);
    const rest = await http().get(url('echo')).query({ cursor: second.body.cursor, pageSize: 100 });
    expect([rest.body.instances.length, rest.body.hasNextPage]).toEqual([total - 4, false]);
  });

  it('shows params {} for an instance created without any, and hands {} to the workflow as event.payload', async () => {
    expect((await http().post(url('echo')).send({ id: 'bare' })).status).toBe(201);
    expect((await http().get(url('echo', 'bare'))).body.meta.params).toEqual({});
    await tick();
    expect((await http().get(url('echo', 'bare'))).body.details).toEqual({ status: 'complete', output: {} });
  });

  // Where ours is the better contract, it stays (docs/http-api.md says why).
  describe('kept as they are', () => {
    it('create answers 201 Created', async () => {
      expect((await http().post(url('echo')).send({ id: 'kept-201' })).status).toBe(201);
    });

    it('validation errors list their issues in details.issues', async () => {
      const body = expectError(await http().get(url('echo')).query({ pageSize: 0 }), 400, 'VALIDATION_ERROR');
      expect(expectIssues(body).length).toBeGreaterThan(0);
    });

    it('logLevel means that level and the more severe ones', async () => {
      const levels = defineWorkflow({ name: 'levels' }, async (_event, step) => {
        await step.do('speak', async () => {
          step.log.debug('d');
          step.log.info('i');
          step.log.warn('w');
          step.log.error('e');
        });
      });
      const own = await createTestApp(kind, { workflows: [levels], runner: { enabled: false }, enableRunnerTick: true });
      try {
        await own.client.create('levels', { id: 'l' });
        await own.client.tick();
        const res = await request(own.http).get(`${BASE}/workflows/levels/instances/l/history`).query({ includeLogs: true, logLevel: 'warn', logCategory: 'workflow', order: 'asc' });
        expect(res.body.logs.map((l: { level: string }) => l.level)).toEqual(['warn', 'error']);
      } finally {
        await own.close();
      }
    });

    it('an action on a finished instance is 409 INSTANCE_TERMINAL', async () => {
      expectError(await http().post(`${url('many', 'five')}/pause`), 409, 'INSTANCE_TERMINAL');
    });
  });
});
