/**
 * Creating, reading and listing instances over the HTTP API,
 * through supertest, on a real SQLite file and a real PostgreSQL database. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import { delay } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { BASE, expectError, ISO, isoString, mainApp, type MainApp, WORKFLOWS } from '../../support/http';

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    const { tick, get, create, history } = mainApp(kind, (app) => ({ http } = app));

    // ---- 1. routes, statuses and shapes ----------------------------------------------------

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
            runNumber: 0,
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
            runNumber: 0,
            params: { n: 21 },
            pauseRequested: false,
            createdAt: queued.body.meta.createdAt,
            updatedAt: isoString,
            startedAt: isoString,
            completedAt: isoString,
            currentStep: {
              stepKey: 'double',
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
        const withoutParams = await get('quick', noBody.body.id);
        expect(withoutParams.status).toBe(200);
        expect(withoutParams.body.meta.params).toEqual({});
      });

      it('GET instance shows a waiting instance with its current step', async () => {
        await create('approval', { id: 'cur-step' });
        await tick();
        const res = await get('approval', 'cur-step');
        expect(res.body.details).toEqual({ status: 'waiting' });
        expect(res.body.meta.currentStep).toEqual({
          stepKey: 'decision',
          name: 'decision',
          type: 'waitForEvent',
          status: 'waiting',
          attempts: expect.any(Number),
          maxAttempts: 1,
          timeoutMs: 24 * 3600_000,
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
          await delay(3);
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
    });
  });
});
