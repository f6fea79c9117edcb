/**
 * Pause, resume, restart and terminate over the HTTP API,
 * through supertest, on a real SQLite file and a real PostgreSQL database. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import { TEST_DATABASES } from '../../support/databases';
import { BASE, expectError, ISO, mainApp, type MainApp, newGate } from '../../support/http';

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    const { tick, drain, get, create, history } = mainApp(kind, (app) => ({ http } = app));
    let gate = newGate();

    // ---- 1. routes, statuses and shapes ----------------------------------------------------

    describe('workflows and instances', () => {
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
        expect(restarted.body.meta).toMatchObject({ runNumber: 1, startedAt: null, completedAt: null });
        expect(restarted.body.meta).not.toHaveProperty('currentStep');
        await tick();
        expect((await get('approval', 'mgmt')).body.details.status).toBe('waiting');
        // Restart of a non-terminal instance.
        expect((await act('mgmt', 'restart')).body).toEqual({ ok: true, id: 'mgmt', details: { status: 'queued' } });
        expect((await get('approval', 'mgmt')).body.meta.runNumber).toBe(2);
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
    });
  });
});
