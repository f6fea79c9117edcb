/**
 * Errors the HTTP API answers from what is stored: unknown instances, ids in
 * use, terminal instances;
 * through supertest, on a real SQLite file and a real PostgreSQL database. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import { TEST_DATABASES } from '../../support/databases';
import { BASE, expectError, mainApp, type MainApp, seedErrorInstances } from '../../support/http';

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    let client: MainApp['client'];
    const { get, create, history } = mainApp(kind, (app) => ({ http, client } = app));

    // ---- 2. errors -------------------------------------------------------------------------

    describe('errors', () => {
      beforeAll(() => seedErrorInstances(client));

      it('INSTANCE_NOT_FOUND on every route that names an instance', async () => {
        const i = `${BASE}/workflows/quick/instances/missing`;
        expectError(await http.get(i), 404, 'INSTANCE_NOT_FOUND');
        expectError(await http.get(`${i}/history`), 404, 'INSTANCE_NOT_FOUND');
        for (const action of ['pause', 'resume', 'restart', 'terminate']) expectError(await http.post(`${i}/${action}`), 404, 'INSTANCE_NOT_FOUND');
        expectError(await http.post(`${i}/events`).send({ type: 't' }), 404, 'INSTANCE_NOT_FOUND');
        // The same id exists under another workflow: still not found under this one.
        expectError(await http.get(`${BASE}/workflows/approval/instances/err-done`), 404, 'INSTANCE_NOT_FOUND');
      });

      it('INSTANCE_ID_ALREADY_EXISTS when the id is in use', async () => {
        const body = expectError(await create('quick', { id: 'err-done', params: { n: 5 } }), 409, 'INSTANCE_ID_ALREADY_EXISTS');
        expect(body.message).toContain('err-done');
        const kept = await get('quick', 'err-done');
        expect(kept.body.details.status).toBe('complete');
        expect(kept.body.meta.params).toEqual({});
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
    });
  });
});
