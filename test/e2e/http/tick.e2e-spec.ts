/**
 * The runner tick route of the HTTP API,
 * through supertest, on a real SQLite file and a real PostgreSQL database. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import { TEST_DATABASES } from '../../support/databases';
import { BASE, expectError, expectIssues, ISO, mainApp, type MainApp } from '../../support/http';

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    const { tick, drain, get, create, history } = mainApp(kind, (app) => ({ http } = app));

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
        expect((await history('three', 'budget', { order: 'asc' })).body.steps.map((s: { name: string }) => s.name)).toEqual(['s1']);
        expect((await tick({ maxSteps: 1 })).processed).toBe(1);
        expect((await history('three', 'budget', { order: 'asc' })).body.steps.map((s: { name: string }) => s.name)).toEqual(['s1', 's2']);
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
  });
});
