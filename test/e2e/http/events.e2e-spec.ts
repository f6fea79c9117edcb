/**
 * Events over the HTTP API, and a whole approval flow,
 * through supertest, on a real SQLite file and a real PostgreSQL database. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import { TEST_DATABASES } from '../../support/databases';
import { BASE, isoString, mainApp, type MainApp } from '../../support/http';

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    const { tick, get, create, history } = mainApp(kind, (app) => ({ http } = app));

    // ---- 1. routes, statuses and shapes ----------------------------------------------------

    describe('workflows and instances', () => {
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
        const run1 = await get('approval', 'evt-restart');
        expect(run1.body.meta.runNumber).toBe(1);
        expect(run1.body.details).toEqual({ status: 'waiting' });
        expect((await history('approval', 'evt-restart', { runNumber: 0 })).body.events).toEqual([
          expect.objectContaining({ type: 'decision', deliveredAt: null, consumedByStepKey: null }),
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
      const hist = await history('approval', 'flow-1', { order: 'asc' });
      expect(hist.body.events).toEqual([
        { id: 'd-1', runNumber: 0, type: 'decision', payload: { approved: true }, createdAt: isoString, deliveredAt: isoString, consumedByStepKey: 'decision' },
      ]);
      expect(hist.body.steps.map((s: { name: string; status: string }) => [s.name, s.status])).toEqual([
        ['submit', 'completed'],
        ['decision', 'completed'],
      ]);
    });
  });
});
