/**
 * Requests the HTTP API refuses before they reach any instance: malformed
 * bodies and queries, invalid ids and params, unknown workflows and routes, bodies over the limit;
 * through supertest. What is checked here does not depend on the database, so it runs on one
 * (the first of TEST_DATABASES).
 */
import { ONE_DATABASE } from '../../support/databases';
import { BASE, expectError, expectIssues, mainApp, type MainApp, seedErrorInstances } from '../../support/http';

describe.each(ONE_DATABASE)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    let client: MainApp['client'];
    const { get, create, history } = mainApp(kind, (app) => ({ http, client } = app));

    // ---- 2. errors -------------------------------------------------------------------------

    describe('errors', () => {
      beforeAll(() => seedErrorInstances(client));

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
          { runNumber: -1 },
          { runNumber: 'one' },
          { runNumber: '1.5' },
          { pageSize: 1000 },
        ];
        for (const query of historyQueries) {
          const res = await history('quick', 'err-done', query);
          expectIssues(expectError(res, 400, 'VALIDATION_ERROR'));
        }
        // Not out of range: run 0 is the first run, and a run after the current one is an empty history.
        expect((await history('quick', 'err-done', { runNumber: 0 })).status).toBe(200);
        const later = await history('quick', 'err-done', { runNumber: 2 });
        expect({ status: later.status, body: later.body }).toEqual({
          status: 200,
          body: { runNumber: 2, steps: [], events: [], stepsHasNextPage: false, eventsHasNextPage: false },
        });
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

      it('ROUTE_NOT_FOUND for unknown paths and wrong methods', async () => {
        expectError(await http.get(`${BASE}/nothing-here`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.get('/'), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.post(`${BASE}/workflows`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.put(`${BASE}/workflows/quick/instances/err-done`).send({}), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.delete(`${BASE}/workflows/quick/instances`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.put(`${BASE}/workflows/quick/instances`).send({}), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.get(`${BASE}/_runner/tick`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.get(`${BASE}/workflows/quick/instances/err-done/pause`), 404, 'ROUTE_NOT_FOUND');
        expectError(await http.post(`${BASE}/workflows/quick/instances/err-done/unknown-action`), 404, 'ROUTE_NOT_FOUND');
        expect((await get('quick', 'err-done')).body.details.status).toBe('complete');
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
  });
});
