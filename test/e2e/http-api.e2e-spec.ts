/**
 * End-to-end tests of the HTTP API (SPEC sections 2, 3 and 4) through supertest, on a real
 * SQLite file and a real PostgreSQL database. Nothing runs in the background: every test drives
 * execution itself with `POST /_runner/tick`.
 */
import { HttpException, Logger, UnauthorizedException } from '@nestjs/common';
import request from 'supertest';
import { defineWorkflow, NonRetryableError } from '../../src/engine';
import type { AuthorizationHooks } from '../../src/api/auth/authorization-hooks';
import { TEST_DATABASES } from '../support/databases';
import { createTestApp } from '../support/test-app';

// ---- workflows ---------------------------------------------------------------------------------

/** Completes in one tick with its params' `n` doubled. */
const quick = defineWorkflow({ name: 'quick', description: 'Doubles params.n' }, async (event, step) => {
  const n = await step.do('double', () => ((event.payload as { n?: number } | undefined)?.n ?? 0) * 2);
  return { doubled: n };
});

/** Rejects params without a numeric `n`. */
const typed = defineWorkflow(
  { name: 'typed', params: (params) => (typeof (params as { n?: unknown } | null)?.n === 'number' ? true : 'n must be a number') },
  async (event) => event.payload,
);

/** One step, then waits for a `decision` event. */
const approval = defineWorkflow({ name: 'approval' }, async (_event, step) => {
  const submitted = await step.do('submit', () => ({ submitted: true }));
  const decision = await step.waitForEvent<{ approved: boolean }>('decision', { type: 'decision' });
  return { ...submitted, approved: decision.payload.approved };
});

/** Logs at every level, three steps and a wait: history material. */
const chronicle = defineWorkflow({ name: 'chronicle' }, async (_event, step) => {
  step.log.debug('debug line');
  step.log.info('info line');
  step.log.warn('warn line', { x: 1 });
  step.log.error('error line', null, { category: 'audit' });
  await step.do('s1', () => {
    step.log.info('inside s1');
    return 1;
  });
  await step.do('s2', () => 2);
  await step.do('s3', () => 3);
  const go = await step.waitForEvent('go', { type: 'go' });
  return go.payload;
});

/** Three steps: for the tick's step budget. */
const three = defineWorkflow({ name: 'three' }, async (_event, step) => {
  for (const i of [1, 2, 3]) await step.do(`s${i}`, () => i);
  return 'done';
});

/** Fails with a non-retryable error inside its only step. */
const failing = defineWorkflow({ name: 'failing' }, async (_event, step) => {
  await step.do('explode', () => {
    throw new NonRetryableError('bad input');
  });
  return 'unreachable';
});

/** Its first step blocks until the test opens the gate, so the instance is `running` meanwhile. */
let gate = newGate();
function newGate() {
  let started!: () => void;
  let open!: () => void;
  const startedP = new Promise<void>((resolve) => (started = resolve));
  const openP = new Promise<void>((resolve) => (open = resolve));
  return { started, startedP, open, openP };
}
const gated = defineWorkflow({ name: 'gated' }, async (_event, step) => {
  await step.do('hold', async () => {
    gate.started();
    await gate.openP;
    return 'held';
  });
  await step.do('after', () => 'after');
  return 'finished';
});

/** Instances of this one are only listed, never run. */
const pager = defineWorkflow({ name: 'pager' }, async () => 'ok');

const WORKFLOWS = [quick, typed, approval, chronicle, three, pager, failing, gated];

// ---- helpers -----------------------------------------------------------------------------------

const BASE = '/api/workflows';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isoString = expect.stringMatching(ISO);

/** Asserts the error envelope of SPEC 3.1: status, code, `{message, code, details?}`, no stack. */
function expectError(res: request.Response, status: number, code: string, message?: string | RegExp): Record<string, unknown> {
  const summary = `${res.status} ${JSON.stringify(res.body)}`;
  expect({ status: res.status, code: res.body?.code, summary }).toEqual({ status, code, summary });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(expect.arrayContaining(['code', 'message']));
  for (const key of Object.keys(res.body)) expect(['message', 'code', 'details']).toContain(key);
  expect(typeof res.body.message).toBe('string');
  if (res.body.details !== undefined) expect(typeof res.body.details).toBe('object');
  expect(res.text).not.toMatch(/\n\s+at |stack|<html|<!DOCTYPE/i);
  if (message instanceof RegExp) expect(res.body.message).toMatch(message);
  else if (message !== undefined) expect(res.body.message).toBe(message);
  return res.body;
}

function expectIssues(body: Record<string, unknown>): string[] {
  const issues = (body.details as { issues?: unknown } | undefined)?.issues;
  expect(Array.isArray(issues)).toBe(true);
  expect((issues as unknown[]).length).toBeGreaterThan(0);
  for (const issue of issues as unknown[]) expect(typeof issue).toBe('string');
  return issues as string[];
}

const sleepMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Flips one character of a cursor's signed body. */
function tamper(cursor: string): string {
  const [body, signature] = cursor.split('.');
  const i = Math.floor(body.length / 2);
  const flipped = body[i] === 'A' ? 'B' : 'A';
  return `${body.slice(0, i)}${flipped}${body.slice(i + 1)}.${signature}`;
}

/** The same cursor signed the same way, but whose payload names another query. */
function rescoped(cursor: string, change: (scope: string) => string): string {
  const [body, signature] = cursor.split('.');
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  payload.s = change(payload.s);
  return `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: ReturnType<typeof request>;
    let server: Parameters<typeof request>[0];
    let client: Awaited<ReturnType<typeof createTestApp>>['client'];
    let close: () => Promise<void>;

    beforeAll(async () => {
      const app = await createTestApp(kind, { workflows: WORKFLOWS, runner: { enabled: false }, enableRunnerTick: true });
      server = app.http;
      client = app.client;
      close = app.close;
      http = request(server);
    });
    afterAll(async () => {
      await close?.();
    });

    const tick = async (body: object = {}) => {
      const res = await request(server).post(`${BASE}/_runner/tick`).send(body);
      expect(res.status).toBe(200);
      return res.body as { processed: number; nextWakeAt?: string };
    };
    /** Ticks until nothing is due now. */
    const drain = async () => {
      for (let i = 0; i < 20; i++) if ((await tick({ maxInstances: 1000 })).processed === 0) return;
      throw new Error('queue did not drain');
    };
    const get = (workflow: string, id: string) => request(server).get(`${BASE}/workflows/${workflow}/instances/${id}`);
    const create = (workflow: string, body: object) => request(server).post(`${BASE}/workflows/${workflow}/instances`).send(body);
    const history = (workflow: string, id: string, query: Record<string, string | number | boolean> = {}) =>
      request(server).get(`${BASE}/workflows/${workflow}/instances/${id}/history`).query(query);

    // ---- 1. routes, statuses and shapes ----------------------------------------------------

    describe('runner tick', () => {
      it('answers {processed: 0} and no nextWakeAt when nothing is queued', async () => {
        const res = await http.post(`${BASE}/_runner/tick`).send({});
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ processed: 0 });
      });

      it('answers the number of instances advanced, honours maxInstances, and reports nextWakeAt of a wait', async () => {
        await drain();
        for (const id of ['tick-1', 'tick-2', 'tick-3']) expect((await create('quick', { id })).status).toBe(201);
        const first = await tick({ maxInstances: 2 });
        expect(first.processed).toBe(2);
        const second = await tick();
        expect(second.processed).toBe(1);
        for (const id of ['tick-1', 'tick-2', 'tick-3']) expect((await get('quick', id)).body.details.status).toBe('complete');

        // A tick with no body at all is fine too.
        const empty = await http.post(`${BASE}/_runner/tick`);
        expect(empty.status).toBe(200);
        expect(empty.body.processed).toBe(0);

        await create('approval', { id: 'tick-wait' });
        const before = Date.now();
        const waited = await tick();
        expect(waited.processed).toBe(1);
        expect(waited.nextWakeAt).toMatch(ISO);
        // The wait's default timeout is 24 hours; nothing else is due sooner in this app.
        expect(Date.parse(waited.nextWakeAt!)).toBeGreaterThan(before + 23 * 3600_000);
        expect(Object.keys(waited).sort()).toEqual(['nextWakeAt', 'processed']);
        expect((await get('approval', 'tick-wait')).body.details.status).toBe('waiting');
      });

      it('stops each instance after maxSteps and leaves it runnable for the next tick', async () => {
        await drain();
        await create('three', { id: 'budget' });
        expect((await tick({ maxSteps: 1 })).processed).toBe(1);
        let res = await get('three', 'budget');
        expect(res.body.details.status).toBe('queued');
        expect(res.body.meta.currentStep).toMatchObject({ name: 's1', status: 'completed' });
        expect((await history('three', 'budget')).body.steps.map((s: { name: string }) => s.name)).toEqual(['s1']);
        expect((await tick({ maxSteps: 1 })).processed).toBe(1);
        expect((await history('three', 'budget')).body.steps.map((s: { name: string }) => s.name)).toEqual(['s1', 's2']);
        await tick({ maxSteps: 10 });
        res = await get('three', 'budget');
        expect(res.body.details).toEqual({ status: 'complete', output: 'done' });
      });

      it('rejects out-of-range and unknown tick options with VALIDATION_ERROR', async () => {
        for (const body of [{ maxInstances: 0 }, { maxInstances: 1001 }, { maxSteps: 0 }, { maxSteps: 10_001 }, { maxSteps: 1.5 }, { maxInstances: '5' }, { extra: true }]) {
          const res = await http.post(`${BASE}/_runner/tick`).send(body);
          expectIssues(expectError(res, 400, 'VALIDATION_ERROR'));
        }
      });
    });

    describe('workflows and instances', () => {
      it('GET /workflows lists the registered workflows with their descriptions', async () => {
        const res = await http.get(`${BASE}/workflows`);
        expect(res.status).toBe(200);
        expect(res.body).toEqual({
          workflows: expect.arrayContaining([{ name: 'quick', description: 'Doubles params.n' }, { name: 'approval' }, { name: 'pager' }]),
        });
        expect(res.body.workflows.map((w: { name: string }) => w.name).sort()).toEqual(WORKFLOWS.map((w) => w.name).sort());
        expect(Object.keys(res.body)).toEqual(['workflows']);
      });

      it('POST instances answers 201 {id, details: {status: queued}} and GET shows the full shape', async () => {
        const res = await create('quick', { id: 'shape-1', params: { n: 21 } });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({ id: 'shape-1', details: { status: 'queued' } });

        const queued = await get('quick', 'shape-1');
        expect(queued.status).toBe(200);
        expect(queued.body).toEqual({
          id: 'shape-1',
          details: { status: 'queued' },
          meta: {
            workflowName: 'quick',
            runNumber: 1,
            params: { n: 21 },
            pauseRequested: false,
            createdAt: isoString,
            updatedAt: isoString,
            startedAt: null,
            completedAt: null,
          },
        });

        await tick();
        const done = await get('quick', 'shape-1');
        expect(done.body).toEqual({
          id: 'shape-1',
          details: { status: 'complete', output: { doubled: 42 } },
          meta: {
            workflowName: 'quick',
            runNumber: 1,
            params: { n: 21 },
            pauseRequested: false,
            createdAt: queued.body.meta.createdAt,
            updatedAt: isoString,
            startedAt: isoString,
            completedAt: isoString,
            currentStep: {
              name: 'double',
              type: 'do',
              status: 'completed',
              attempts: 1,
              maxAttempts: 6,
              timeoutMs: 600_000,
              nextRetryAt: null,
              wakeAt: null,
              waitEventType: null,
            },
          },
        });
        expect(Date.parse(done.body.meta.completedAt)).toBeGreaterThanOrEqual(Date.parse(done.body.meta.startedAt));
      });

      it('POST instances generates an id when it is omitted (also with an empty body)', async () => {
        const withParams = await create('quick', { params: { n: 1 } });
        expect(withParams.status).toBe(201);
        expect(withParams.body).toEqual({ id: expect.stringMatching(/^[a-zA-Z0-9_][a-zA-Z0-9-_]{0,99}$/), details: { status: 'queued' } });
        const noBody = await http.post(`${BASE}/workflows/quick/instances`);
        expect(noBody.status).toBe(201);
        expect(noBody.body.id).not.toBe(withParams.body.id);
        const fetched = await get('quick', withParams.body.id);
        expect(fetched.status).toBe(200);
        expect(fetched.body.meta.params).toEqual({ n: 1 });
        expect((await get('quick', noBody.body.id)).status).toBe(200);
      });

      it('GET instance shows a waiting instance with its current step', async () => {
        await create('approval', { id: 'cur-step' });
        await tick();
        const res = await get('approval', 'cur-step');
        expect(res.body.details).toEqual({ status: 'waiting' });
        expect(res.body.meta.currentStep).toEqual({
          name: 'decision',
          type: 'waitForEvent',
          status: 'waiting',
          attempts: expect.any(Number),
          maxAttempts: null,
          timeoutMs: null,
          nextRetryAt: null,
          wakeAt: isoString,
          waitEventType: 'decision',
        });
        expect(res.body.meta.startedAt).toMatch(ISO);
        expect(res.body.meta.completedAt).toBeNull();
        // The default wait timeout is 24 hours.
        const timeoutIn = Date.parse(res.body.meta.currentStep.wakeAt) - Date.now();
        expect(timeoutIn).toBeGreaterThan(24 * 3600_000 - 60_000);
        expect(timeoutIn).toBeLessThanOrEqual(24 * 3600_000 + 5_000);
      });

      it('POST batch answers 201 with the created instances, skipping existing and repeated ids', async () => {
        await create('quick', { id: 'batch-existing' });
        const res = await http.post(`${BASE}/workflows/quick/instances/batch`).send({
          instances: [{ id: 'batch-1', params: { n: 1 } }, { id: 'batch-existing' }, { id: 'batch-2' }, { id: 'batch-1', params: { n: 9 } }],
        });
        expect(res.status).toBe(201);
        expect(res.body).toEqual({
          instances: [
            { id: 'batch-1', details: { status: 'queued' } },
            { id: 'batch-2', details: { status: 'queued' } },
          ],
        });
        expect((await get('quick', 'batch-1')).body.meta.params).toEqual({ n: 1 });
        expect((await get('quick', 'batch-2')).status).toBe(200);

        const again = await http.post(`${BASE}/workflows/quick/instances/batch`).send({ instances: [{ id: 'batch-1' }, { id: 'batch-2' }] });
        expect(again.status).toBe(201);
        expect(again.body).toEqual({ instances: [] });
      });

      it('GET list answers newest first with the summary shape', async () => {
        // Ids in reverse alphabetical order of creation, so an id sort cannot pass for a time sort.
        for (const id of ['order-c', 'order-b', 'order-a']) {
          expect((await create('typed', { id, params: { n: 1 } })).status).toBe(201);
          await sleepMs(3);
        }
        const res = await http.get(`${BASE}/workflows/typed/instances`);
        expect(res.status).toBe(200);
        const ours = res.body.instances.filter((i: { id: string }) => i.id.startsWith('order-'));
        expect(ours.map((i: { id: string }) => i.id)).toEqual(['order-a', 'order-b', 'order-c']);
        expect(ours[0]).toEqual({ id: 'order-a', details: { status: 'queued' }, createdAt: isoString, updatedAt: isoString });
        expect(res.body.hasNextPage).toBe(false);
        expect(res.body).not.toHaveProperty('cursor');
        const createdAts = res.body.instances.map((i: { createdAt: string }) => Date.parse(i.createdAt));
        expect([...createdAts].sort((a, b) => b - a)).toEqual(createdAts);
      });

      it('GET list filters by status', async () => {
        await create('approval', { id: 'filter-queued' });
        await create('approval', { id: 'filter-paused' });
        await http.post(`${BASE}/workflows/approval/instances/filter-paused/pause`).expect(200);
        const paused = await http.get(`${BASE}/workflows/approval/instances`).query({ status: 'paused' });
        expect(paused.status).toBe(200);
        expect(paused.body.instances.map((i: { id: string }) => i.id)).toContain('filter-paused');
        for (const i of paused.body.instances) expect(i.details.status).toBe('paused');
        const queued = await http.get(`${BASE}/workflows/approval/instances`).query({ status: 'queued' });
        expect(queued.body.instances.map((i: { id: string }) => i.id)).toContain('filter-queued');
        expect(queued.body.instances.map((i: { id: string }) => i.id)).not.toContain('filter-paused');
        await http.post(`${BASE}/workflows/approval/instances/filter-queued/terminate`).expect(200);
        await http.post(`${BASE}/workflows/approval/instances/filter-paused/terminate`).expect(200);
      });

      it('pause, resume, restart and terminate answer 200 {ok: true, id, details}', async () => {
        const act = (id: string, action: string) => http.post(`${BASE}/workflows/approval/instances/${id}/${action}`);
        await create('approval', { id: 'mgmt' });

        let res = await act('mgmt', 'pause');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: true, id: 'mgmt', details: { status: 'paused' } });
        // No-op on paused.
        expect((await act('mgmt', 'pause')).body).toEqual({ ok: true, id: 'mgmt', details: { status: 'paused' } });
        // A paused instance is not advanced by a tick.
        await tick();
        expect((await get('approval', 'mgmt')).body.details.status).toBe('paused');

        res = await act('mgmt', 'resume');
        expect(res.body).toEqual({ ok: true, id: 'mgmt', details: { status: 'queued' } });
        // No-op on queued.
        expect((await act('mgmt', 'resume')).body).toEqual({ ok: true, id: 'mgmt', details: { status: 'queued' } });

        await tick();
        expect((await get('approval', 'mgmt')).body.details.status).toBe('waiting');
        // Pause on waiting.
        expect((await act('mgmt', 'pause')).body).toEqual({ ok: true, id: 'mgmt', details: { status: 'paused' } });

        res = await act('mgmt', 'terminate');
        expect(res.body).toEqual({ ok: true, id: 'mgmt', details: { status: 'terminated' } });
        const terminated = await get('approval', 'mgmt');
        expect(terminated.body.details).toEqual({ status: 'terminated' });
        expect(terminated.body.meta.completedAt).toMatch(ISO);

        res = await act('mgmt', 'restart');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ ok: true, id: 'mgmt', details: { status: 'queued' } });
        const restarted = await get('approval', 'mgmt');
        expect(restarted.body.meta).toMatchObject({ runNumber: 2, startedAt: null, completedAt: null });
        expect(restarted.body.meta).not.toHaveProperty('currentStep');
        await tick();
        expect((await get('approval', 'mgmt')).body.details.status).toBe('waiting');
        // Restart of a non-terminal instance.
        expect((await act('mgmt', 'restart')).body).toEqual({ ok: true, id: 'mgmt', details: { status: 'queued' } });
        expect((await get('approval', 'mgmt')).body.meta.runNumber).toBe(3);
        await act('mgmt', 'terminate').expect(200);
      });

      it('pause on a running instance answers waitingForPause (meta.pauseRequested) and pauses at the step boundary; resume withdraws', async () => {
        await drain();
        const act = (id: string, action: string) => http.post(`${BASE}/workflows/gated/instances/${id}/${action}`);

        gate = newGate();
        await create('gated', { id: 'gated-pause' });
        let ticking = tick();
        await gate.startedP;
        expect((await get('gated', 'gated-pause')).body.details).toEqual({ status: 'running' });
        expect((await act('gated-pause', 'pause')).body).toEqual({ ok: true, id: 'gated-pause', details: { status: 'waitingForPause' } });
        const asked = await get('gated', 'gated-pause');
        expect(asked.body.details).toEqual({ status: 'waitingForPause' });
        expect(asked.body.meta.pauseRequested).toBe(true);
        // Pause again is a no-op.
        expect((await act('gated-pause', 'pause')).body.details).toEqual({ status: 'waitingForPause' });
        gate.open();
        expect((await ticking).processed).toBe(1);
        const paused = await get('gated', 'gated-pause');
        expect(paused.body.details).toEqual({ status: 'paused' });
        expect(paused.body.meta.pauseRequested).toBe(false);
        expect(paused.body.meta.currentStep).toMatchObject({ name: 'hold', status: 'completed' });
        expect((await act('gated-pause', 'resume')).body.details).toEqual({ status: 'queued' });
        await tick();
        expect((await get('gated', 'gated-pause')).body.details).toEqual({ status: 'complete', output: 'finished' });

        // Resume while waitingForPause withdraws the request: the run goes on to complete.
        gate = newGate();
        await create('gated', { id: 'gated-withdraw' });
        ticking = tick();
        await gate.startedP;
        await act('gated-withdraw', 'pause').expect(200);
        expect((await act('gated-withdraw', 'resume')).body).toEqual({ ok: true, id: 'gated-withdraw', details: { status: 'running' } });
        expect((await get('gated', 'gated-withdraw')).body.meta.pauseRequested).toBe(false);
        gate.open();
        await ticking;
        expect((await get('gated', 'gated-withdraw')).body.details).toEqual({ status: 'complete', output: 'finished' });

        // Terminate while running: the in-flight result is discarded.
        gate = newGate();
        await create('gated', { id: 'gated-term' });
        ticking = tick();
        await gate.startedP;
        expect((await act('gated-term', 'terminate')).body).toEqual({ ok: true, id: 'gated-term', details: { status: 'terminated' } });
        gate.open();
        await ticking;
        expect((await get('gated', 'gated-term')).body.details).toEqual({ status: 'terminated' });
        expectError(await act('gated-term', 'resume'), 409, 'INSTANCE_TERMINAL');
        expect((await history('gated', 'gated-term')).body.steps.filter((s: { status: string }) => s.status === 'completed')).toEqual([]);
      });

      it('an errored instance shows details.error {name, message} and no output', async () => {
        await create('failing', { id: 'fail-1' });
        await tick();
        const res = await get('failing', 'fail-1');
        expect(res.body.details).toEqual({ status: 'errored', error: { name: 'NonRetryableError', message: 'bad input' } });
        expect(res.body.meta.currentStep).toMatchObject({ name: 'explode', status: 'errored', error: { name: 'NonRetryableError', message: 'bad input' } });
        expect(res.body.meta.completedAt).toMatch(ISO);
        const listed = await http.get(`${BASE}/workflows/failing/instances`).query({ status: 'errored' });
        expect(listed.body.instances).toEqual([
          { id: 'fail-1', details: { status: 'errored', error: { name: 'NonRetryableError', message: 'bad input' } }, createdAt: isoString, updatedAt: isoString },
        ]);
        const steps = (await history('failing', 'fail-1')).body.steps;
        expect(steps[0]).toMatchObject({ name: 'explode', status: 'errored', error: { name: 'NonRetryableError', message: 'bad input' } });
        expectError(await http.post(`${BASE}/workflows/failing/instances/fail-1/pause`), 409, 'INSTANCE_TERMINAL');
        expect((await http.post(`${BASE}/workflows/failing/instances/fail-1/restart`)).body).toEqual({ ok: true, id: 'fail-1', details: { status: 'queued' } });
      });

      it('racing creates with one id: exactly one 201, the others 409 INSTANCE_ID_ALREADY_EXISTS', async () => {
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => create('quick', { id: 'race-id', params: { i } })));
        const statuses = results.map((r) => r.status).sort();
        expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
        for (const r of results.filter((r) => r.status === 409)) expectError(r, 409, 'INSTANCE_ID_ALREADY_EXISTS');
        const winner = results.find((r) => r.status === 201)!;
        const i = results.indexOf(winner);
        expect((await get('quick', 'race-id')).body.meta.params).toEqual({ i });
      });

      it('racing sends of one event id store it once and answer every sender with it', async () => {
        await create('approval', { id: 'evt-race' });
        await tick();
        const results = await Promise.all(
          Array.from({ length: 5 }, (_, i) => http.post(`${BASE}/workflows/approval/instances/evt-race/events`).send({ type: 'note', id: 'same', payload: { i } })),
        );
        for (const r of results) expect(r.status).toBe(200);
        const receipts = new Set(results.map((r) => JSON.stringify(r.body.event)));
        expect(receipts.size).toBe(1);
        expect((await history('approval', 'evt-race')).body.events).toHaveLength(1);
      });

      it('the same event id sent to two instances is stored for each', async () => {
        await create('approval', { id: 'evt-a' });
        await create('approval', { id: 'evt-b' });
        for (const id of ['evt-a', 'evt-b']) {
          const res = await http.post(`${BASE}/workflows/approval/instances/${id}/events`).send({ type: 'note', id: 'shared-id', payload: id });
          expect(res.status).toBe(200);
          expect(res.body.event.id).toBe('shared-id');
        }
        for (const id of ['evt-a', 'evt-b']) {
          expect((await history('approval', id)).body.events).toEqual([expect.objectContaining({ id: 'shared-id', payload: id })]);
        }
      });

      it('an event sent to a paused instance is stored and delivered after resume; earlier runs\' events never reach a later run', async () => {
        const act = (id: string, action: string) => http.post(`${BASE}/workflows/approval/instances/${id}/${action}`);
        const send = (id: string, body: object) => http.post(`${BASE}/workflows/approval/instances/${id}/events`).send(body);
        await create('approval', { id: 'evt-paused' });
        await tick();
        await act('evt-paused', 'pause').expect(200);
        const sent = await send('evt-paused', { type: 'decision', payload: { approved: true } });
        expect(sent.body.status).toEqual({ status: 'paused' });
        await tick();
        expect((await get('approval', 'evt-paused')).body.details).toEqual({ status: 'paused' });
        await act('evt-paused', 'resume').expect(200);
        await tick();
        expect((await get('approval', 'evt-paused')).body.details).toEqual({ status: 'complete', output: { submitted: true, approved: true } });

        await create('approval', { id: 'evt-restart' });
        await tick();
        await act('evt-restart', 'pause').expect(200);
        await send('evt-restart', { type: 'decision', payload: { approved: true } }).expect(200);
        await act('evt-restart', 'restart').expect(200);
        await tick();
        const run2 = await get('approval', 'evt-restart');
        expect(run2.body.meta.runNumber).toBe(2);
        expect(run2.body.details).toEqual({ status: 'waiting' });
        expect((await history('approval', 'evt-restart', { runNumber: 1 })).body.events).toEqual([
          expect.objectContaining({ type: 'decision', deliveredAt: null, consumedByStep: null }),
        ]);
        await act('evt-restart', 'terminate').expect(200);
      });

      it('events answer 200 {status, event}; a repeated event id is answered again without a second copy', async () => {
        await create('approval', { id: 'evt' });
        await tick();
        const send = (body: object) => http.post(`${BASE}/workflows/approval/instances/evt/events`).send(body);

        const other = await send({ type: 'unrelated', payload: { a: 1 } });
        expect(other.status).toBe(200);
        expect(other.body).toEqual({ status: { status: 'waiting' }, event: { id: expect.any(String), type: 'unrelated', createdAt: isoString } });

        const first = await send({ type: 'note', payload: { k: 'v' }, id: 'evt-once' });
        expect(first.status).toBe(200);
        expect(first.body).toEqual({ status: { status: 'waiting' }, event: { id: 'evt-once', type: 'note', createdAt: isoString } });
        const repeated = await send({ type: 'note', payload: { k: 'other' }, id: 'evt-once' });
        expect(repeated.status).toBe(200);
        expect(repeated.body.event).toEqual(first.body.event);

        const events = (await history('approval', 'evt')).body.events;
        expect(events.filter((e: { id: string }) => e.id === 'evt-once')).toHaveLength(1);
        expect(events).toHaveLength(2);
        expect(events.find((e: { id: string }) => e.id === 'evt-once').payload).toEqual({ k: 'v' });

        // A matching event queues the waiting instance.
        const matching = await send({ type: 'decision', payload: { approved: false } });
        expect(matching.body.status).toEqual({ status: 'queued' });
        await tick();
        expect((await get('approval', 'evt')).body.details).toEqual({ status: 'complete', output: { submitted: true, approved: false } });
      });
    });

    // ---- 7. a full flow over HTTP ------------------------------------------------------------

    it('runs a full approval flow through HTTP alone', async () => {
      const created = await create('approval', { id: 'flow-1', params: { requester: 'ada' } });
      expect(created.status).toBe(201);
      await tick();
      const waiting = await get('approval', 'flow-1');
      expect(waiting.body.details).toEqual({ status: 'waiting' });
      expect(waiting.body.meta.currentStep).toMatchObject({ type: 'waitForEvent', waitEventType: 'decision' });

      const sent = await http.post(`${BASE}/workflows/approval/instances/flow-1/events`).send({ type: 'decision', payload: { approved: true }, id: 'd-1' });
      expect(sent.status).toBe(200);
      expect(sent.body.status).toEqual({ status: 'queued' });
      await tick();

      const done = await get('approval', 'flow-1');
      expect(done.status).toBe(200);
      expect(done.body.details).toEqual({ status: 'complete', output: { submitted: true, approved: true } });
      expect(done.body.meta.params).toEqual({ requester: 'ada' });
      const hist = await history('approval', 'flow-1');
      expect(hist.body.events).toEqual([
        { id: 'd-1', runNumber: 1, type: 'decision', payload: { approved: true }, createdAt: isoString, deliveredAt: isoString, consumedByStep: 'decision' },
      ]);
      expect(hist.body.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
        ['submit', 'completed'],
        ['decision', 'completed'],
      ]);
    });

    // ---- 2. errors -------------------------------------------------------------------------

    describe('errors', () => {
      beforeAll(async () => {
        await client.create('quick', { id: 'err-done' });
        await client.tick({ maxInstances: 1000 });
        expect((await client.get('quick', 'err-done')).details.status).toBe('complete');
        await client.create('approval', { id: 'err-live' });
      });

      it('VALIDATION_ERROR: malformed JSON, non-JSON bodies, wrong types and unknown fields', async () => {
        const malformed = await http.post(`${BASE}/workflows/quick/instances`).set('Content-Type', 'application/json').send('{"id": ');
        expectError(malformed, 400, 'VALIDATION_ERROR', 'Malformed JSON in the request body');
        const text = await http.post(`${BASE}/workflows/quick/instances`).set('Content-Type', 'text/plain').send('id=x');
        expectError(text, 400, 'VALIDATION_ERROR');
        expectIssues(expectError(await create('quick', { id: 5 }), 400, 'VALIDATION_ERROR'));
        expectIssues(expectError(await create('quick', { id: 'x-unknown', extra: 1 }), 400, 'VALIDATION_ERROR'));
        expect((await get('quick', 'x-unknown')).status).toBe(404);
        const events = http.post(`${BASE}/workflows/approval/instances/err-live/events`);
        expectIssues(expectError(await events.send({ payload: 1 }), 400, 'VALIDATION_ERROR'));
        expectIssues(
          expectError(await http.post(`${BASE}/workflows/approval/instances/err-live/events`).send({ type: 7 }), 400, 'VALIDATION_ERROR'),
        );
        expectIssues(
          expectError(await http.post(`${BASE}/workflows/approval/instances/err-live/events`).send({ type: 'a', id: 3 }), 400, 'VALIDATION_ERROR'),
        );
        const batch = (body: unknown) => http.post(`${BASE}/workflows/quick/instances/batch`).send(body as object);
        expectIssues(expectError(await batch({ instances: [] }), 400, 'VALIDATION_ERROR'));
        expectIssues(expectError(await batch({}), 400, 'VALIDATION_ERROR'));
        expectIssues(expectError(await batch({ instances: [{ params: 1 }] }), 400, 'VALIDATION_ERROR'));
        expectIssues(
          expectError(await batch({ instances: Array.from({ length: 101 }, (_, i) => ({ id: `too-many-${i}` })) }), 400, 'VALIDATION_ERROR'),
        );
        expect((await get('quick', 'too-many-0')).status).toBe(404);
      });

      it('a JSON body sent as application/<x>+json is either read or refused, never silently dropped', async () => {
        // require-json-body lets `+json` media types through as JSON; the body must then be used.
        const before = (await http.get(`${BASE}/workflows/quick/instances`).query({ pageSize: 100 })).body.instances.length;
        const res = await http
          .post(`${BASE}/workflows/quick/instances`)
          .set('Content-Type', 'application/vnd.api+json')
          .send(JSON.stringify({ id: 'plus-json', params: { via: 'vnd' } }));
        const after = (await http.get(`${BASE}/workflows/quick/instances`).query({ pageSize: 100 })).body.instances;
        if (res.status === 201) {
          expect(res.body).toEqual({ id: 'plus-json', details: { status: 'queued' } });
          expect((await get('quick', 'plus-json')).body.meta.params).toEqual({ via: 'vnd' });
        } else {
          expectError(res, 400, 'VALIDATION_ERROR');
          expect(after).toHaveLength(before);
        }
      });

      it('VALIDATION_ERROR: non-object bodies, over-deep JSON, unknown batch item fields, malformed URLs', async () => {
        const arrayBody = await http.post(`${BASE}/workflows/quick/instances`).set('Content-Type', 'application/json').send('[1, 2]');
        expectError(arrayBody, 400, 'VALIDATION_ERROR');
        const nullBody = await http.post(`${BASE}/workflows/quick/instances`).set('Content-Type', 'application/json').send('null');
        expectError(nullBody, 400, 'VALIDATION_ERROR');
        let deep: unknown = 1;
        for (let i = 0; i < 150; i++) deep = { d: deep };
        const tooDeep = await create('quick', { id: 'too-deep', params: deep as object });
        expectIssues(expectError(tooDeep, 400, 'VALIDATION_ERROR'));
        expect((await get('quick', 'too-deep')).status).toBe(404);
        const item = await http.post(`${BASE}/workflows/quick/instances/batch`).send({ instances: [{ id: 'item-extra', extra: 1 }] });
        expectIssues(expectError(item, 400, 'VALIDATION_ERROR'));
        expect((await get('quick', 'item-extra')).status).toBe(404);
        expectError(await http.get(`${BASE}/workflows/quick/instances/%E0%A4%A`), 400, 'VALIDATION_ERROR');
        const repeated = await http.get(`${BASE}/workflows/quick/instances?pageSize=1&pageSize=2`);
        expectIssues(expectError(repeated, 400, 'VALIDATION_ERROR'));
        const historyUnknown = await history('quick', 'err-done', { bogus: 'x' });
        expectIssues(expectError(historyUnknown, 400, 'VALIDATION_ERROR'));
      });

      it('accepts each of the nine statuses as a list filter', async () => {
        for (const status of ['queued', 'running', 'paused', 'errored', 'terminated', 'complete', 'waiting', 'waitingForPause', 'unknown']) {
          const res = await http.get(`${BASE}/workflows/quick/instances`).query({ status, pageSize: 100 });
          expect({ status, code: res.status }).toEqual({ status, code: 200 });
          for (const i of res.body.instances) expect(i.details.status).toBe(status);
        }
      });

      it('VALIDATION_ERROR: out-of-range query values on list and history', async () => {
        for (const query of [{ pageSize: 0 }, { pageSize: 101 }, { pageSize: 'abc' }, { pageSize: '2.5' }, { status: 'bogus' }, { unknown: 1 }]) {
          const res = await http.get(`${BASE}/workflows/quick/instances`).query(query);
          expectIssues(expectError(res, 400, 'VALIDATION_ERROR'));
        }
        const historyQueries: Record<string, string | number>[] = [
          { order: 'sideways' },
          { includeLogs: 'yes' },
          { logLevel: 'trace' },
          { runNumber: 0 },
          { runNumber: 'one' },
          { runNumber: 2 },
          { pageSize: 1000 },
        ];
        for (const query of historyQueries) {
          const res = await history('quick', 'err-done', query);
          expectIssues(expectError(res, 400, 'VALIDATION_ERROR'));
        }
      });

      it('INVALID_INSTANCE_ID for body ids, batch ids, event ids and path ids', async () => {
        for (const id of ['-leading-dash', 'has space', 'x'.repeat(101), '', 'dot.dot']) {
          const body = expectError(await create('quick', { id }), 400, 'INVALID_INSTANCE_ID');
          expect(JSON.stringify(body)).not.toContain('stack');
        }
        const batch = await http.post(`${BASE}/workflows/quick/instances/batch`).send({ instances: [{ id: 'fine-batch-id' }, { id: 'bad id' }] });
        const body = expectError(batch, 400, 'INVALID_INSTANCE_ID');
        expect(body.details).toMatchObject({ index: 1 });
        expect((await get('quick', 'fine-batch-id')).status).toBe(404);

        const badEventId = await http.post(`${BASE}/workflows/approval/instances/err-live/events`).send({ type: 'ok', id: 'bad id' });
        expectError(badEventId, 400, 'INVALID_INSTANCE_ID');

        const longId = 'y'.repeat(101);
        for (const path of ['-bad', longId, 'a%20b']) {
          expectError(await http.get(`${BASE}/workflows/quick/instances/${path}`), 400, 'INVALID_INSTANCE_ID');
          expectError(await http.get(`${BASE}/workflows/quick/instances/${path}/history`), 400, 'INVALID_INSTANCE_ID');
          for (const action of ['pause', 'resume', 'restart', 'terminate']) {
            expectError(await http.post(`${BASE}/workflows/quick/instances/${path}/${action}`), 400, 'INVALID_INSTANCE_ID');
          }
          expectError(await http.post(`${BASE}/workflows/quick/instances/${path}/events`).send({ type: 'x' }), 400, 'INVALID_INSTANCE_ID');
        }
      });

      it('INVALID_EVENT_TYPE for a type that breaks the id rule', async () => {
        for (const type of ['bad type', '-x', 'z'.repeat(101), '']) {
          const res = await http.post(`${BASE}/workflows/approval/instances/err-live/events`).send({ type });
          expectError(res, 400, 'INVALID_EVENT_TYPE');
        }
        expect((await history('approval', 'err-live')).body.events).toEqual([]);
      });

      it('WORKFLOW_PARAMS_INVALID lists the issues, names the batch index and creates nothing', async () => {
        const single = expectError(await create('typed', { id: 'typed-bad', params: { n: 'one' } }), 400, 'WORKFLOW_PARAMS_INVALID');
        expect(expectIssues(single)).toEqual(['n must be a number']);
        expect((await get('typed', 'typed-bad')).status).toBe(404);
        const missing = expectError(await create('typed', { id: 'typed-none' }), 400, 'WORKFLOW_PARAMS_INVALID');
        expectIssues(missing);

        const batch = await http.post(`${BASE}/workflows/typed/instances/batch`).send({
          instances: [{ id: 'typed-ok-0', params: { n: 0 } }, { id: 'typed-ok-1', params: { n: 1 } }, { id: 'typed-bad-2', params: {} }],
        });
        const body = expectError(batch, 400, 'WORKFLOW_PARAMS_INVALID');
        expect(body.details).toMatchObject({ index: 2 });
        expect(expectIssues(body)).toEqual(['n must be a number']);
        for (const id of ['typed-ok-0', 'typed-ok-1', 'typed-bad-2']) expect((await get('typed', id)).status).toBe(404);
      });

      it('WORKFLOW_NOT_FOUND on every route that names a workflow', async () => {
        const w = `${BASE}/workflows/nope/instances`;
        expectError(await http.get(w), 404, 'WORKFLOW_NOT_FOUND');
        expectError(await http.post(w).send({ id: 'x' }), 404, 'WORKFLOW_NOT_FOUND');
        expectError(await http.post(`${w}/batch`).send({ instances: [{ id: 'x' }] }), 404, 'WORKFLOW_NOT_FOUND');
        expectError(await http.get(`${w}/x`), 404, 'WORKFLOW_NOT_FOUND');
        expectError(await http.get(`${w}/x/history`), 404, 'WORKFLOW_NOT_FOUND');
        for (const action of ['pause', 'resume', 'restart', 'terminate']) expectError(await http.post(`${w}/x/${action}`), 404, 'WORKFLOW_NOT_FOUND');
        expectError(await http.post(`${w}/x/events`).send({ type: 't' }), 404, 'WORKFLOW_NOT_FOUND');
      });

      it('INSTANCE_NOT_FOUND on every route that names an instance', async () => {
        const i = `${BASE}/workflows/quick/instances/missing`;
        expectError(await http.get(i), 404, 'INSTANCE_NOT_FOUND');
        expectError(await http.get(`${i}/history`), 404, 'INSTANCE_NOT_FOUND');
        for (const action of ['pause', 'resume', 'restart', 'terminate']) expectError(await http.post(`${i}/${action}`), 404, 'INSTANCE_NOT_FOUND');
        expectError(await http.post(`${i}/events`).send({ type: 't' }), 404, 'INSTANCE_NOT_FOUND');
        // The same id exists under another workflow: still not found under this one.
        expectError(await http.get(`${BASE}/workflows/approval/instances/err-done`), 404, 'INSTANCE_NOT_FOUND');
      });

      it('ROUTE_NOT_FOUND for unknown paths and wrong methods', async () => {
        expectError(await http.get(`${BASE}/nothing-here`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.get('/'), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.post(`${BASE}/workflows`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.delete(`${BASE}/workflows/quick/instances/err-done`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.put(`${BASE}/workflows/quick/instances`).send({}), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.get(`${BASE}/_runner/tick`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.get(`${BASE}/workflows/quick/instances/err-done/pause`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.post(`${BASE}/workflows/quick/instances/err-done/unknown-action`), 404, 'ROUTE_NOT_FOUND');
        expect((await get('quick', 'err-done')).body.details.status).toBe('complete');
      });

      it('INSTANCE_ID_ALREADY_EXISTS when the id is in use', async () => {
        const body = expectError(await create('quick', { id: 'err-done', params: { n: 5 } }), 409, 'INSTANCE_ID_ALREADY_EXISTS');
        expect(body.message).toContain('err-done');
        const kept = await get('quick', 'err-done');
        expect(kept.body.details.status).toBe('complete');
        expect(kept.body.meta.params).toBeNull();
      });

      it('INSTANCE_TERMINAL for pause, resume, terminate and events on a terminal instance', async () => {
        const i = `${BASE}/workflows/quick/instances/err-done`;
        for (const action of ['pause', 'resume', 'terminate']) {
          const body = expectError(await http.post(`${i}/${action}`), 409, 'INSTANCE_TERMINAL');
          expect(body.details).toEqual({ status: 'complete' });
        }
        expectError(await http.post(`${i}/events`).send({ type: 'late' }), 409, 'INSTANCE_TERMINAL');
        expect((await history('quick', 'err-done')).body.events).toEqual([]);
        expect((await get('quick', 'err-done')).body.details).toEqual({ status: 'complete', output: { doubled: 0 } });
      });

      it('PAYLOAD_TOO_LARGE (413) for bodies over 1 MiB, creating nothing', async () => {
        const big = 'x'.repeat(1024 * 1024 + 10);
        expectError(await create('quick', { id: 'too-big', params: { big } }), 413, 'PAYLOAD_TOO_LARGE');
        expect((await get('quick', 'too-big')).status).toBe(404);
        const event = await http.post(`${BASE}/workflows/approval/instances/err-live/events`).send({ type: 'big', payload: big });
        expectError(event, 413, 'PAYLOAD_TOO_LARGE');
        expect((await history('approval', 'err-live')).body.events).toEqual([]);
        const batch = await http.post(`${BASE}/workflows/quick/instances/batch`).send({ instances: [{ id: 'too-big-b', params: big }] });
        expectError(batch, 413, 'PAYLOAD_TOO_LARGE');
        // Just under the limit is accepted.
        const fits = await create('quick', { id: 'fits', params: { s: 'x'.repeat(1000 * 1000) } });
        expect(fits.status).toBe(201);
      });
    });

    // ---- 3. pagination ------------------------------------------------------------------------

    describe('instance list pagination', () => {
      it('pages newest first with no duplicates or gaps while instances are created between pages', async () => {
        const ids = Array.from({ length: 7 }, (_, i) => `page-${i}`);
        for (const id of ids) {
          expect((await create('pager', { id })).status).toBe(201);
          await sleepMs(2);
        }
        const list = (query: Record<string, string | number>) => http.get(`${BASE}/workflows/pager/instances`).query(query);

        const page1 = await list({ pageSize: 3 });
        expect(page1.status).toBe(200);
        expect(page1.body.hasNextPage).toBe(true);
        expect(typeof page1.body.cursor).toBe('string');
        expect(page1.body.instances.map((i: { id: string }) => i.id)).toEqual(['page-6', 'page-5', 'page-4']);

        // Newer instances arrive meanwhile; "zz" ids sort after the others, so even with an equal
        // created-at millisecond they could only show up before the cursor.
        await sleepMs(2);
        await create('pager', { id: 'zz-new-1' });
        await create('pager', { id: 'zz-new-2' });

        const page2 = await list({ pageSize: 3, cursor: page1.body.cursor });
        expect(page2.status).toBe(200);
        expect(page2.body.instances.map((i: { id: string }) => i.id)).toEqual(['page-3', 'page-2', 'page-1']);
        expect(page2.body.hasNextPage).toBe(true);

        await create('pager', { id: 'zz-new-3' });
        const page3 = await list({ pageSize: 3, cursor: page2.body.cursor });
        expect(page3.body.instances.map((i: { id: string }) => i.id)).toEqual(['page-0']);
        expect(page3.body.hasNextPage).toBe(false);
        expect(page3.body).not.toHaveProperty('cursor');

        const seen = [...page1.body.instances, ...page2.body.instances, ...page3.body.instances].map((i: { id: string }) => i.id);
        expect(new Set(seen).size).toBe(seen.length);
        expect([...seen].sort()).toEqual([...ids].sort());

        // From the top again, the new ones come first.
        const fresh = await list({ pageSize: 3 });
        expect(fresh.body.instances.map((i: { id: string }) => i.id)).toEqual(['zz-new-3', 'zz-new-2', 'zz-new-1']);

        // A page size of exactly the rest leaves no next page.
        const all = await list({ pageSize: 10 });
        expect(all.body.instances).toHaveLength(10);
        expect(all.body.hasNextPage).toBe(false);
      });

      it('pages through instances created in one batch (equal timestamps) without duplicates or gaps', async () => {
        const ids = Array.from({ length: 9 }, (_, i) => `tie-${i}`);
        const res = await http.post(`${BASE}/workflows/pager/instances/batch`).send({ instances: ids.map((id) => ({ id })) });
        expect(res.status).toBe(201);
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let n = 0; n < 20; n++) {
          const page = await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 2, ...(cursor ? { cursor } : {}) });
          expect(page.status).toBe(200);
          seen.push(...page.body.instances.map((i: { id: string }) => i.id));
          cursor = page.body.cursor;
          expect(Boolean(cursor)).toBe(page.body.hasNextPage);
          if (!page.body.hasNextPage) break;
        }
        expect(new Set(seen).size).toBe(seen.length);
        const all = (await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 100 })).body.instances.map((i: { id: string }) => i.id);
        expect(seen).toEqual(all);
        for (const id of ids) expect(seen).toContain(id);
      });

      it('accepts a batch of exactly 100 and pages 25 by default', async () => {
        const instances = Array.from({ length: 100 }, (_, i) => ({ id: `hundred-${i}` }));
        const res = await http.post(`${BASE}/workflows/three/instances/batch`).send({ instances });
        expect(res.status).toBe(201);
        expect(res.body.instances).toHaveLength(100);
        const page = await http.get(`${BASE}/workflows/three/instances`);
        expect(page.body.instances).toHaveLength(25);
        expect(page.body.hasNextPage).toBe(true);
        expect(typeof page.body.cursor).toBe('string');
        const max = await http.get(`${BASE}/workflows/three/instances`).query({ pageSize: 100 });
        expect(max.body.instances).toHaveLength(100);
        // Leave nothing due for the other tests' ticks.
        for (const { id } of instances) await client.terminate('three', id);
      });

      it('pages a status-filtered listing with its own cursor', async () => {
        for (const id of ['sf-0', 'sf-1', 'sf-2']) {
          await create('pager', { id });
          await http.post(`${BASE}/workflows/pager/instances/${id}/pause`).expect(200);
          await sleepMs(2);
        }
        const page1 = await http.get(`${BASE}/workflows/pager/instances`).query({ status: 'paused', pageSize: 2 });
        expect(page1.body.instances.map((i: { id: string }) => i.id)).toEqual(['sf-2', 'sf-1']);
        const page2 = await http.get(`${BASE}/workflows/pager/instances`).query({ status: 'paused', pageSize: 2, cursor: page1.body.cursor });
        expect(page2.body).toEqual({ instances: [expect.objectContaining({ id: 'sf-0', details: { status: 'paused' } })], hasNextPage: false });
      });

      it('INVALID_CURSOR for garbage, tampered cursors and cursors of another query', async () => {
        const first = await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 1 });
        const cursor: string = first.body.cursor;
        expect(typeof cursor).toBe('string');
        const list = (query: Record<string, string | number>) => http.get(`${BASE}/workflows/pager/instances`).query(query);

        // Sanity: the genuine cursor works.
        expect((await list({ pageSize: 1, cursor })).status).toBe(200);

        expectError(await list({ cursor: 'garbage' }), 400, 'INVALID_CURSOR');
        expectError(await list({ cursor: 'a.b.c' }), 400, 'INVALID_CURSOR');
        expectError(await list({ cursor: tamper(cursor) }), 400, 'INVALID_CURSOR');
        expectError(await list({ cursor: `${cursor}x` }), 400, 'INVALID_CURSOR');
        // Re-labelled for another query but signed for this one: the signature no longer matches.
        expectError(await list({ cursor: rescoped(cursor, (s) => s.replace(':*', ':paused')) }), 400, 'INVALID_CURSOR');
        // Another status filter.
        expectError(await list({ status: 'paused', cursor }), 400, 'INVALID_CURSOR');
        // Another workflow.
        const other = await http.get(`${BASE}/workflows/quick/instances`).query({ cursor });
        expectError(other, 400, 'INVALID_CURSOR');
        // A cursor of a filtered listing on the unfiltered one.
        const filtered = await list({ status: 'paused', pageSize: 1 });
        expect(typeof filtered.body.cursor).toBe('string');
        expectError(await list({ cursor: filtered.body.cursor }), 400, 'INVALID_CURSOR');
      });
    });

    // ---- 4. history ---------------------------------------------------------------------------

    describe('history', () => {
      type Step = { name: string; type: string; status: string };
      type Log = { message: string; level: string; category: string };
      const names = (items: { name: string }[]) => items.map((s) => s.name);
      const ids = (items: { id: string }[]) => items.map((s) => s.id);

      beforeAll(async () => {
        await client.create('chronicle', { id: 'chron' });
        await client.tick({ maxInstances: 1000 });
        expect((await client.get('chronicle', 'chron')).details.status).toBe('waiting');
        for (const id of ['n1', 'n2', 'n3']) await client.sendEvent('chronicle', 'chron', { type: 'note', id, payload: { id } });
      });

      it('answers steps and events with their documented shapes, and logs only with includeLogs=true', async () => {
        const res = await history('chronicle', 'chron');
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(['events', 'eventsHasNextPage', 'runNumber', 'steps', 'stepsHasNextPage']);
        expect(res.body.runNumber).toBe(1);
        expect(names(res.body.steps)).toEqual(['s1', 's2', 's3', 'go']);
        expect(res.body.steps[0]).toEqual({
          id: expect.any(String),
          runNumber: 1,
          name: 's1',
          type: 'do',
          status: 'completed',
          attempts: 1,
          maxAttempts: 6,
          timeoutMs: 600_000,
          nextRetryAt: null,
          wakeAt: null,
          waitEventType: null,
          result: 1,
          createdAt: isoString,
          updatedAt: isoString,
        });
        expect(res.body.steps[3]).toMatchObject({ name: 'go', type: 'waitForEvent', status: 'waiting', waitEventType: 'go', wakeAt: isoString, result: null });
        expect(res.body.events).toEqual(
          ['n1', 'n2', 'n3'].map((id) => ({
            id,
            runNumber: 1,
            type: 'note',
            payload: { id },
            createdAt: isoString,
            deliveredAt: null,
            consumedByStep: null,
          })),
        );
        expect(res.body.stepsHasNextPage).toBe(false);
        expect(res.body.eventsHasNextPage).toBe(false);

        const noLogs = await history('chronicle', 'chron', { includeLogs: false });
        expect(noLogs.body).not.toHaveProperty('logs');
        expect(noLogs.body).not.toHaveProperty('logsHasNextPage');

        const withLogs = await history('chronicle', 'chron', { includeLogs: true });
        expect(withLogs.status).toBe(200);
        expect(withLogs.body.logsHasNextPage).toBe(false);
        const logs = withLogs.body.logs as Log[];
        expect(logs.map((l) => l.message)).toEqual(['Run 1 started', 'debug line', 'info line', 'warn line', 'error line', 'inside s1']);
        expect(logs[3]).toEqual({
          id: expect.any(String),
          runNumber: 1,
          stepName: null,
          attempt: null,
          level: 'warn',
          category: 'workflow',
          message: 'warn line',
          data: { x: 1 },
          isReplay: false,
          createdAt: isoString,
        });
        expect(logs[5]).toMatchObject({ stepName: 's1', attempt: 1, level: 'info', category: 'workflow' });
        expect(logs[0]).toMatchObject({ category: 'system', level: 'info' });
      });

      it('pages steps, events and logs independently with pageSize 2', async () => {
        const p1 = await history('chronicle', 'chron', { pageSize: 2, includeLogs: true });
        expect(names(p1.body.steps)).toEqual(['s1', 's2']);
        expect(ids(p1.body.events)).toEqual(['n1', 'n2']);
        expect((p1.body.logs as Log[]).map((l) => l.message)).toEqual(['Run 1 started', 'debug line']);
        expect(p1.body).toMatchObject({ stepsHasNextPage: true, eventsHasNextPage: true, logsHasNextPage: true });
        for (const key of ['stepsCursor', 'eventsCursor', 'logsCursor']) expect(typeof p1.body[key]).toBe('string');

        // Only the steps advance.
        const steps2 = await history('chronicle', 'chron', { pageSize: 2, includeLogs: true, stepsCursor: p1.body.stepsCursor });
        expect(names(steps2.body.steps)).toEqual(['s3', 'go']);
        expect(steps2.body.stepsHasNextPage).toBe(false);
        expect(steps2.body).not.toHaveProperty('stepsCursor');
        expect(ids(steps2.body.events)).toEqual(['n1', 'n2']);
        expect((steps2.body.logs as Log[]).map((l) => l.message)).toEqual(['Run 1 started', 'debug line']);

        // Only the events advance.
        const events2 = await history('chronicle', 'chron', { pageSize: 2, eventsCursor: p1.body.eventsCursor });
        expect(ids(events2.body.events)).toEqual(['n3']);
        expect(events2.body.eventsHasNextPage).toBe(false);
        expect(events2.body).not.toHaveProperty('eventsCursor');
        expect(names(events2.body.steps)).toEqual(['s1', 's2']);

        // Logs page to the end.
        const messages: string[] = [];
        let logsCursor: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await history('chronicle', 'chron', { pageSize: 2, includeLogs: true, ...(logsCursor ? { logsCursor } : {}) });
          messages.push(...(page.body.logs as Log[]).map((l) => l.message));
          expect(names(page.body.steps)).toEqual(['s1', 's2']);
          logsCursor = page.body.logsCursor;
          expect(Boolean(logsCursor)).toBe(page.body.logsHasNextPage);
          if (!page.body.logsHasNextPage) break;
        }
        expect(messages).toEqual(['Run 1 started', 'debug line', 'info line', 'warn line', 'error line', 'inside s1']);
      });

      it('order=desc returns every stream newest first and pages backwards', async () => {
        const p1 = await history('chronicle', 'chron', { order: 'desc', pageSize: 2, includeLogs: true });
        expect(names(p1.body.steps)).toEqual(['go', 's3']);
        expect(ids(p1.body.events)).toEqual(['n3', 'n2']);
        expect((p1.body.logs as Log[]).map((l) => l.message)).toEqual(['inside s1', 'error line']);
        const p2 = await history('chronicle', 'chron', {
          order: 'desc',
          pageSize: 2,
          includeLogs: true,
          stepsCursor: p1.body.stepsCursor,
          eventsCursor: p1.body.eventsCursor,
          logsCursor: p1.body.logsCursor,
        });
        expect(names(p2.body.steps)).toEqual(['s2', 's1']);
        expect(ids(p2.body.events)).toEqual(['n1']);
        expect((p2.body.logs as Log[]).map((l) => l.message)).toEqual(['warn line', 'info line']);
        expect(p2.body.stepsHasNextPage).toBe(false);
        expect(p2.body.eventsHasNextPage).toBe(false);
        expect(p2.body.logsHasNextPage).toBe(true);
        const explicitAsc = await history('chronicle', 'chron', { order: 'asc' });
        expect(names(explicitAsc.body.steps)).toEqual(['s1', 's2', 's3', 'go']);
      });

      it('logLevel keeps that level and more severe ones; logCategory keeps one category', async () => {
        const messages = async (query: Record<string, string>) => {
          const res = await history('chronicle', 'chron', { includeLogs: true, ...query });
          expect(res.status).toBe(200);
          return (res.body.logs as Log[]).map((l) => `${l.level}:${l.category}:${l.message}`);
        };
        expect(await messages({ logLevel: 'debug' })).toHaveLength(6);
        expect(await messages({ logLevel: 'info' })).toEqual([
          'info:system:Run 1 started',
          'info:workflow:info line',
          'warn:workflow:warn line',
          'error:audit:error line',
          'info:workflow:inside s1',
        ]);
        expect(await messages({ logLevel: 'warn' })).toEqual(['warn:workflow:warn line', 'error:audit:error line']);
        expect(await messages({ logLevel: 'error' })).toEqual(['error:audit:error line']);
        expect(await messages({ logCategory: 'audit' })).toEqual(['error:audit:error line']);
        expect(await messages({ logCategory: 'system' })).toEqual(['info:system:Run 1 started']);
        expect(await messages({ logCategory: 'workflow', logLevel: 'warn' })).toEqual(['warn:workflow:warn line']);
        expect(await messages({ logCategory: 'nothing-here' })).toEqual([]);
      });

      it('INVALID_CURSOR for history cursors that are garbage, tampered or from another stream or query', async () => {
        const p1 = await history('chronicle', 'chron', { pageSize: 1, includeLogs: true });
        const { stepsCursor, eventsCursor, logsCursor } = p1.body as Record<string, string>;
        expect((await history('chronicle', 'chron', { pageSize: 1, stepsCursor })).status).toBe(200);
        expectError(await history('chronicle', 'chron', { stepsCursor: 'garbage' }), 400, 'INVALID_CURSOR');
        expectError(await history('chronicle', 'chron', { stepsCursor: tamper(stepsCursor) }), 400, 'INVALID_CURSOR');
        expectError(await history('chronicle', 'chron', { eventsCursor: stepsCursor }), 400, 'INVALID_CURSOR');
        expectError(await history('chronicle', 'chron', { stepsCursor: eventsCursor }), 400, 'INVALID_CURSOR');
        expectError(await history('chronicle', 'chron', { order: 'desc', stepsCursor }), 400, 'INVALID_CURSOR');
        expectError(await history('chronicle', 'chron', { includeLogs: true, logLevel: 'warn', logsCursor }), 400, 'INVALID_CURSOR');
        expectError(await history('chronicle', 'chron', { includeLogs: true, logCategory: 'audit', logsCursor }), 400, 'INVALID_CURSOR');
        // Another instance's cursor.
        expectError(await history('approval', 'err-live', { stepsCursor }), 400, 'INVALID_CURSOR');
        // An instance-list cursor is not a history cursor, nor the other way round.
        const listCursor = (await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 1 })).body.cursor;
        expectError(await history('chronicle', 'chron', { stepsCursor: listCursor }), 400, 'INVALID_CURSOR');
        expectError(await http.get(`${BASE}/workflows/chronicle/instances`).query({ cursor: stepsCursor }), 400, 'INVALID_CURSOR');
      });

      it('runNumber reads an earlier run after a restart', async () => {
        await create('chronicle', { id: 'chron-r' });
        await tick();
        await http.post(`${BASE}/workflows/chronicle/instances/chron-r/events`).send({ type: 'note', id: 'run1-note' }).expect(200);
        const restart = await http.post(`${BASE}/workflows/chronicle/instances/chron-r/restart`);
        expect(restart.body).toEqual({ ok: true, id: 'chron-r', details: { status: 'queued' } });

        const current = await history('chronicle', 'chron-r', { includeLogs: true });
        expect(current.body.runNumber).toBe(2);
        expect(current.body.steps).toEqual([]);
        expect(current.body.events).toEqual([]);

        await tick();
        await http.post(`${BASE}/workflows/chronicle/instances/chron-r/events`).send({ type: 'go', payload: 'run 2 done' }).expect(200);
        await tick();
        expect((await get('chronicle', 'chron-r')).body.details).toEqual({ status: 'complete', output: 'run 2 done' });

        const run1 = await history('chronicle', 'chron-r', { runNumber: 1, includeLogs: true });
        expect(run1.status).toBe(200);
        expect(run1.body.runNumber).toBe(1);
        expect(names(run1.body.steps)).toEqual(['s1', 's2', 's3', 'go']);
        expect(run1.body.steps[3].status).toBe('waiting');
        for (const step of run1.body.steps) expect(step.runNumber).toBe(1);
        expect(ids(run1.body.events)).toEqual(['run1-note']);
        expect((run1.body.logs as Log[])[0].message).toBe('Run 1 started');

        const run2 = await history('chronicle', 'chron-r', { runNumber: 2 });
        expect(run2.body.runNumber).toBe(2);
        expect((run2.body.steps as Step[]).map((s) => [s.name, s.status])).toEqual([
          ['s1', 'completed'],
          ['s2', 'completed'],
          ['s3', 'completed'],
          ['go', 'completed'],
        ]);
        expect(run2.body.events).toHaveLength(1);
        expect(run2.body.events[0]).toMatchObject({ runNumber: 2, type: 'go', consumedByStep: 'go' });
        expectIssues(expectError(await history('chronicle', 'chron-r', { runNumber: 3 }), 400, 'VALIDATION_ERROR'));
      });
    });
  });

  // ==============================================================================================
  describe('authorization hooks', () => {
    const hooks = {
      authorizeRequest: jest.fn(),
      authorizeInstanceCreation: jest.fn(),
      authorizeManagement: jest.fn(),
      authorizeSendEvent: jest.fn(),
      authorizeRunnerTick: jest.fn(),
      authorizeRead: jest.fn(),
    };
    type HookName = keyof typeof hooks;
    let server: Parameters<typeof request>[0];
    let client: Awaited<ReturnType<typeof createTestApp>>['client'];
    let close: () => Promise<void>;

    beforeAll(async () => {
      const app = await createTestApp(kind, {
        workflows: WORKFLOWS,
        runner: { enabled: false },
        enableRunnerTick: true,
        authorization: hooks as AuthorizationHooks,
      });
      server = app.http;
      client = app.client;
      close = app.close;
      await client.create('approval', { id: 'auth-live' });
      await client.create('quick', { id: 'auth-other' });
      await client.tick({ maxInstances: 1000 });
      expect((await client.get('approval', 'auth-live')).details.status).toBe('waiting');
    });
    afterAll(async () => {
      await close?.();
    });
    beforeEach(() => {
      for (const hook of Object.values(hooks)) hook.mockReset();
    });

    const W = `${BASE}/workflows/approval/instances`;
    /** Every route, with the dedicated hook it should call. */
    const routes: { name: string; hook: HookName; send: () => request.Test }[] = [
      { name: 'GET /workflows', hook: 'authorizeRead', send: () => request(server).get(`${BASE}/workflows`) },
      { name: 'GET list', hook: 'authorizeRead', send: () => request(server).get(W) },
      { name: 'POST create', hook: 'authorizeInstanceCreation', send: () => request(server).post(W).send({ id: 'auth-created' }) },
      { name: 'POST batch', hook: 'authorizeInstanceCreation', send: () => request(server).post(`${W}/batch`).send({ instances: [{ id: 'auth-batch' }] }) },
      { name: 'GET instance', hook: 'authorizeRead', send: () => request(server).get(`${W}/auth-live`) },
      { name: 'GET history', hook: 'authorizeRead', send: () => request(server).get(`${W}/auth-live/history`) },
      { name: 'POST pause', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/pause`) },
      { name: 'POST resume', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/resume`) },
      { name: 'POST restart', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/restart`) },
      { name: 'POST terminate', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/terminate`) },
      { name: 'POST events', hook: 'authorizeSendEvent', send: () => request(server).post(`${W}/auth-live/events`).send({ type: 'denied-event' }) },
      { name: 'POST tick', hook: 'authorizeRunnerTick', send: () => request(server).post(`${BASE}/_runner/tick`).send({}) },
    ];

    /** What every denied request must have left alone. */
    async function expectNothingChanged() {
      await expect(client.get('approval', 'auth-created')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
      await expect(client.get('approval', 'auth-batch')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
      const live = await client.get('approval', 'auth-live');
      expect(live.details.status).toBe('waiting');
      expect(live.meta.runNumber).toBe(1);
      expect((await client.history('approval', 'auth-live')).events).toEqual([]);
    }

    it('authorizeRequest runs for every route, before the dedicated hook, and its false denies every route with 403 FORBIDDEN', async () => {
      for (const route of routes) {
        hooks.authorizeRequest.mockReset().mockReturnValue(false);
        hooks[route.hook].mockReset();
        const res = await route.send();
        expectError(res, 403, 'FORBIDDEN');
        expect({ route: route.name, calls: hooks.authorizeRequest.mock.calls.length }).toEqual({ route: route.name, calls: 1 });
        expect({ route: route.name, dedicated: hooks[route.hook].mock.calls.length }).toEqual({ route: route.name, dedicated: 0 });
      }
      await expectNothingChanged();

      // Allowed: both run, authorizeRequest first. Reads only, so nothing changes.
      for (const route of routes.filter((r) => r.hook === 'authorizeRead')) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks.authorizeRequest.mockReturnValue(true);
        const res = await route.send();
        expect({ route: route.name, status: res.status }).toEqual({ route: route.name, status: 200 });
        expect(hooks.authorizeRequest).toHaveBeenCalledTimes(1);
        expect(hooks.authorizeRead).toHaveBeenCalledTimes(1);
        expect(hooks.authorizeRequest.mock.invocationCallOrder[0]).toBeLessThan(hooks.authorizeRead.mock.invocationCallOrder[0]);
      }
    });

    it('each dedicated hook returning false answers 403 FORBIDDEN and changes nothing', async () => {
      for (const route of routes) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks[route.hook].mockResolvedValue(false);
        const res = await route.send();
        expectError(res, 403, 'FORBIDDEN');
        expect({ route: route.name, request: hooks.authorizeRequest.mock.calls.length, dedicated: hooks[route.hook].mock.calls.length }).toEqual({
          route: route.name,
          request: 1,
          dedicated: 1,
        });
        expect(hooks.authorizeRequest.mock.invocationCallOrder[0]).toBeLessThan(hooks[route.hook].mock.invocationCallOrder[0]);
        // Only the route's own hook was asked.
        for (const other of Object.keys(hooks) as HookName[]) {
          if (other !== route.hook && other !== 'authorizeRequest') expect({ route: route.name, other, calls: hooks[other].mock.calls.length }).toEqual({ route: route.name, other, calls: 0 });
        }
      }
      await expectNothingChanged();
    });

    it('a hook throwing UnauthorizedException answers 401 UNAUTHORIZED with its message and changes nothing', async () => {
      for (const route of routes) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks[route.hook].mockImplementation(() => {
          throw new UnauthorizedException('nope');
        });
        expectError(await route.send(), 401, 'UNAUTHORIZED', 'nope');
      }
      for (const hook of Object.values(hooks)) hook.mockReset();
      hooks.authorizeRequest.mockRejectedValue(new UnauthorizedException('nope'));
      expectError(await routes[2].send(), 401, 'UNAUTHORIZED', 'nope');
      expect(hooks.authorizeInstanceCreation).not.toHaveBeenCalled();
      await expectNothingChanged();
    });

    it('a hook throwing an HttpException with 429 answers 429 with its message in the envelope and changes nothing', async () => {
      for (const route of routes) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks[route.hook].mockImplementation(() => {
          throw new HttpException('slow down', 429);
        });
        const res = await route.send();
        expect({ route: route.name, status: res.status }).toEqual({ route: route.name, status: 429 });
        const body = expectError(res, 429, res.body.code, 'slow down');
        expect(typeof body.code).toBe('string');
        expect(body.code).not.toBe('');
      }
      await expectNothingChanged();
    });

    it('hooks returning nothing or true allow, and get the documented context', async () => {
      const headers = { 'x-user': 'ada' };
      hooks.authorizeRequest.mockReturnValue(undefined);
      const common = (method: string, route: RegExp, params: object, query: object, body: unknown) => ({
        method,
        route: expect.stringMatching(route),
        params,
        query,
        headers: expect.objectContaining({ 'x-user': 'ada' }),
        body,
      });

      // Creation.
      hooks.authorizeInstanceCreation.mockReturnValue(true);
      const created = await request(server).post(W).set(headers).send({ id: 'ctx-created', params: { a: 1 } });
      expect(created.status).toBe(201);
      expect(hooks.authorizeInstanceCreation).toHaveBeenCalledWith({
        ...common('POST', /\/workflows\/:workflowName\/instances$/, { workflowName: 'approval' }, {}, { id: 'ctx-created', params: { a: 1 } }),
        workflowName: 'approval',
        instances: [{ id: 'ctx-created', params: { a: 1 } }],
      });
      expect(hooks.authorizeRequest).toHaveBeenLastCalledWith(
        common('POST', /\/workflows\/:workflowName\/instances$/, { workflowName: 'approval' }, {}, { id: 'ctx-created', params: { a: 1 } }),
      );
      expect((await client.get('approval', 'ctx-created')).meta.params).toEqual({ a: 1 });

      // Batch.
      const batchBody = { instances: [{ id: 'ctx-b1' }, { id: 'ctx-b2', params: 2 }] };
      const batch = await request(server).post(`${W}/batch`).set(headers).send(batchBody);
      expect(batch.status).toBe(201);
      expect(hooks.authorizeInstanceCreation).toHaveBeenLastCalledWith({
        ...common('POST', /\/workflows\/:workflowName\/instances\/batch$/, { workflowName: 'approval' }, {}, batchBody),
        workflowName: 'approval',
        instances: batchBody.instances,
      });

      // Management: each action named. These requests carry no body.
      hooks.authorizeManagement.mockReturnValue(undefined);
      for (const action of ['pause', 'resume', 'terminate', 'restart']) {
        const res = await request(server).post(`${W}/ctx-created/${action}`).set(headers);
        expect(res.status).toBe(200);
        const [context] = hooks.authorizeManagement.mock.lastCall!;
        const { body, ...rest } = context as { body: unknown };
        expect([undefined, {}]).toContainEqual(body);
        expect(rest).toEqual({
          method: 'POST',
          route: expect.stringMatching(new RegExp(`/workflows/:workflowName/instances/:instanceId/${action}$`)),
          params: { workflowName: 'approval', instanceId: 'ctx-created' },
          query: {},
          headers: expect.objectContaining({ 'x-user': 'ada' }),
          workflowName: 'approval',
          instanceId: 'ctx-created',
          action,
        });
      }
      expect((await client.get('approval', 'ctx-created')).meta.runNumber).toBe(2);

      // Send event.
      hooks.authorizeSendEvent.mockReturnValue(true);
      const event = await request(server).post(`${W}/ctx-created/events`).set(headers).send({ type: 'ping', payload: { p: 1 } });
      expect(event.status).toBe(200);
      expect(hooks.authorizeSendEvent).toHaveBeenCalledWith({
        ...common('POST', /\/workflows\/:workflowName\/instances\/:instanceId\/events$/, { workflowName: 'approval', instanceId: 'ctx-created' }, {}, { type: 'ping', payload: { p: 1 } }),
        workflowName: 'approval',
        instanceId: 'ctx-created',
        eventType: 'ping',
        payload: { p: 1 },
      });

      // Tick.
      const tick = await request(server).post(`${BASE}/_runner/tick`).set(headers).send({ maxInstances: 3 });
      expect(tick.status).toBe(200);
      expect(hooks.authorizeRunnerTick).toHaveBeenCalledWith({
        ...common('POST', /\/_runner\/tick$/, {}, {}, { maxInstances: 3 }),
        options: { maxInstances: 3 },
      });

      // Reads: list (with its raw query), get, history, workflows.
      const list = await request(server).get(W).query({ pageSize: '5', status: 'waiting' }).set(headers);
      expect(list.status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(
        expect.objectContaining({
          method: 'GET',
          route: expect.stringMatching(/\/workflows\/:workflowName\/instances$/),
          params: { workflowName: 'approval' },
          // The raw query, before validation.
          query: { pageSize: '5', status: 'waiting' },
          headers: expect.objectContaining({ 'x-user': 'ada' }),
          workflowName: 'approval',
        }),
      );
      const got = await request(server).get(`${W}/ctx-created`).set(headers);
      expect(got.status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(
        expect.objectContaining({
          method: 'GET',
          route: expect.stringMatching(/\/workflows\/:workflowName\/instances\/:instanceId$/),
          params: { workflowName: 'approval', instanceId: 'ctx-created' },
          workflowName: 'approval',
          instanceId: 'ctx-created',
        }),
      );
      const hist = await request(server).get(`${W}/ctx-created/history`).query({ includeLogs: 'true' }).set(headers);
      expect(hist.status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(
        expect.objectContaining({
          route: expect.stringMatching(/\/workflows\/:workflowName\/instances\/:instanceId\/history$/),
          query: { includeLogs: 'true' },
          instanceId: 'ctx-created',
        }),
      );
      expect((await request(server).get(`${BASE}/workflows`).set(headers)).status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(expect.objectContaining({ method: 'GET', route: expect.stringMatching(/\/workflows$/) }));
      expect(hooks.authorizeRequest).toHaveBeenCalledTimes(4 + 2 + 1 + 1 + 4);
    });

    it('a hook failing with a plain Error answers 500 INTERNAL_ERROR naming only the request id, and logs it', async () => {
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        hooks.authorizeRead.mockImplementation(() => {
          throw new Error('secret database password in here');
        });
        const res = await request(server).get(`${BASE}/workflows`).set('x-request-id', 'req-123');
        const body = expectError(res, 500, 'INTERNAL_ERROR');
        expect(body.details).toEqual({ errorId: 'req-123' });
        expect(res.text).not.toContain('secret');
        expect(logged.mock.calls.some((call) => call.join(' ').includes('req-123'))).toBe(true);
      } finally {
        logged.mockRestore();
      }
    });

    it('hooks do not run for unknown routes, which answer 404 ROUTE_NOT_FOUND', async () => {
      hooks.authorizeRequest.mockReturnValue(false);
      expectError(await request(server).get(`${BASE}/unknown`), 404, 'ROUTE_NOT_FOUND');
      expect(hooks.authorizeRequest).not.toHaveBeenCalled();
    });
  });

  // ==============================================================================================
  describe('custom base path, tick disabled', () => {
    let server: Parameters<typeof request>[0];
    let client: Awaited<ReturnType<typeof createTestApp>>['client'];
    let close: () => Promise<void>;

    beforeAll(async () => {
      const app = await createTestApp(kind, { workflows: WORKFLOWS, runner: { enabled: false }, basePath: '/flows' });
      server = app.http;
      client = app.client;
      close = app.close;
    });
    afterAll(async () => {
      await close?.();
    });

    it('serves the routes under the base path', async () => {
      const list = await request(server).get('/flows/workflows');
      expect(list.status).toBe(200);
      expect(list.body.workflows.map((w: { name: string }) => w.name)).toContain('approval');
      const created = await request(server).post('/flows/workflows/approval/instances').send({ id: 'bp-1' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: 'bp-1', details: { status: 'queued' } });
      const got = await request(server).get('/flows/workflows/approval/instances/bp-1');
      expect(got.status).toBe(200);
      expect(got.body.meta.workflowName).toBe('approval');
      const paused = await request(server).post('/flows/workflows/approval/instances/bp-1/pause');
      expect(paused.body).toEqual({ ok: true, id: 'bp-1', details: { status: 'paused' } });
      expect((await request(server).get('/flows/workflows/approval/instances/bp-1/history')).status).toBe(200);
      expectError(await request(server).get('/flows/workflows/nope/instances'), 404, 'WORKFLOW_NOT_FOUND');
    });

    it('answers 404 ROUTE_NOT_FOUND at the default base path', async () => {
      expectError(await request(server).get(`${BASE}/workflows`), 404, 'ROUTE_NOT_FOUND');
      expectError(await request(server).post(`${BASE}/workflows/approval/instances`).send({ id: 'bp-2' }), 404, 'ROUTE_NOT_FOUND');
      expectError(await request(server).get(`${BASE}/workflows/approval/instances/bp-1`), 404, 'ROUTE_NOT_FOUND');
      await expect(client.get('approval', 'bp-2')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    });

    it('answers 403 RUNNER_TICK_DISABLED on the tick route while enableRunnerTick is false, advancing nothing', async () => {
      await client.create('quick', { id: 'bp-tick' });
      const res = await request(server).post('/flows/_runner/tick').send({});
      expectError(res, 403, 'RUNNER_TICK_DISABLED');
      expect((await client.get('quick', 'bp-tick')).details.status).toBe('queued');
      expectError(await request(server).post('/flows/_runner/tick'), 403, 'RUNNER_TICK_DISABLED');
    });
  });
});
