/**
 * History over the HTTP API: three streams paged independently,
 * through supertest, on a real SQLite file and a real PostgreSQL database. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import { tamper } from '../../support/cursors';
import { TEST_DATABASES } from '../../support/databases';
import { BASE, expectError, expectIssues, isoString, mainApp, type MainApp } from '../../support/http';

describe.each(TEST_DATABASES)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('main app (tick enabled, no hooks)', () => {
    let http: MainApp['http'];
    let client: MainApp['client'];
    const { tick, get, create, history } = mainApp(kind, (app) => ({ http, client } = app));

    // ---- 4. history ---------------------------------------------------------------------------

    describe('history', () => {
      type Step = { name: string; type: string; status: string };
      type Log = { message: string; level: string; category: string };
      const names = (items: { name: string }[]) => items.map((s) => s.name);
      const ids = (items: { id: string }[]) => items.map((s) => s.id);

      // The other suites of the main app left instances the cursor checks use: an approval and two listed ones.
      beforeAll(async () => {
        await client.create('approval', { id: 'err-live' });
        await client.createBatch('pager', [{ id: 'listed-1' }, { id: 'listed-2' }]);
      });

      beforeAll(async () => {
        await client.create('chronicle', { id: 'chron' });
        await client.tick({ maxInstances: 1000 });
        expect((await client.get('chronicle', 'chron')).details.status).toBe('waiting');
        for (const id of ['n1', 'n2', 'n3']) await client.sendEvent('chronicle', 'chron', { type: 'note', id, payload: { id } });
      });

      it('answers steps and events with their documented shapes, and logs only with includeLogs=true', async () => {
        const res = await history('chronicle', 'chron', { order: 'asc' });
        expect(res.status).toBe(200);
        expect(Object.keys(res.body).sort()).toEqual(['events', 'eventsHasNextPage', 'runNumber', 'steps', 'stepsHasNextPage']);
        expect(res.body.runNumber).toBe(0);
        expect(names(res.body.steps)).toEqual(['s1', 's2', 's3', 'go']);
        expect(res.body.steps[0]).toEqual({
          id: expect.any(String),
          runNumber: 0,
          stepKey: 's1',
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
        // A wait runs once, and its timeout is the default of 24 hours.
        expect(res.body.steps[3]).toMatchObject({
          stepKey: 'go',
          name: 'go',
          type: 'waitForEvent',
          status: 'waiting',
          maxAttempts: 1,
          timeoutMs: 86_400_000,
          waitEventType: 'go',
          wakeAt: isoString,
          result: null,
        });
        expect(Date.parse(res.body.steps[3].wakeAt) - Date.parse(res.body.steps[3].createdAt)).toBe(86_400_000);
        expect(res.body.events).toEqual(
          ['n1', 'n2', 'n3'].map((id) => ({
            id,
            runNumber: 0,
            type: 'note',
            payload: { id },
            createdAt: isoString,
            deliveredAt: null,
            consumedByStepKey: null,
          })),
        );
        expect(res.body.stepsHasNextPage).toBe(false);
        expect(res.body.eventsHasNextPage).toBe(false);

        const noLogs = await history('chronicle', 'chron', { includeLogs: false, order: 'asc' });
        expect(noLogs.body).not.toHaveProperty('logs');
        expect(noLogs.body).not.toHaveProperty('logsHasNextPage');

        const withLogs = await history('chronicle', 'chron', { includeLogs: true, order: 'asc' });
        expect(withLogs.status).toBe(200);
        expect(withLogs.body.logsHasNextPage).toBe(false);
        const logs = withLogs.body.logs as Log[];
        expect(logs.map((l) => l.message)).toEqual(['Run 0 started', 'debug line', 'info line', 'warn line', 'error line', 'inside s1']);
        expect(logs[3]).toEqual({
          id: expect.any(String),
          runNumber: 0,
          stepKey: null,
          attempt: null,
          level: 'warn',
          category: 'workflow',
          message: 'warn line',
          data: { x: 1 },
          isReplay: false,
          createdAt: isoString,
        });
        expect(logs[5]).toMatchObject({ stepKey: 's1', attempt: 1, level: 'info', category: 'workflow' });
        expect(logs[0]).toMatchObject({ category: 'system', level: 'info' });
      });

      it('pages steps, events and logs independently with pageSize 2', async () => {
        const p1 = await history('chronicle', 'chron', { pageSize: 2, includeLogs: true, order: 'asc' });
        expect(names(p1.body.steps)).toEqual(['s1', 's2']);
        expect(ids(p1.body.events)).toEqual(['n1', 'n2']);
        expect((p1.body.logs as Log[]).map((l) => l.message)).toEqual(['Run 0 started', 'debug line']);
        expect(p1.body).toMatchObject({ stepsHasNextPage: true, eventsHasNextPage: true, logsHasNextPage: true });
        for (const key of ['stepsCursor', 'eventsCursor', 'logsCursor']) expect(typeof p1.body[key]).toBe('string');

        // Only the steps advance.
        const steps2 = await history('chronicle', 'chron', { pageSize: 2, includeLogs: true, order: 'asc', stepsCursor: p1.body.stepsCursor });
        expect(names(steps2.body.steps)).toEqual(['s3', 'go']);
        expect(steps2.body.stepsHasNextPage).toBe(false);
        expect(steps2.body).not.toHaveProperty('stepsCursor');
        expect(ids(steps2.body.events)).toEqual(['n1', 'n2']);
        expect((steps2.body.logs as Log[]).map((l) => l.message)).toEqual(['Run 0 started', 'debug line']);

        // Only the events advance.
        const events2 = await history('chronicle', 'chron', { pageSize: 2, order: 'asc', eventsCursor: p1.body.eventsCursor });
        expect(ids(events2.body.events)).toEqual(['n3']);
        expect(events2.body.eventsHasNextPage).toBe(false);
        expect(events2.body).not.toHaveProperty('eventsCursor');
        expect(names(events2.body.steps)).toEqual(['s1', 's2']);

        // Logs page to the end.
        const messages: string[] = [];
        let logsCursor: string | undefined;
        for (let i = 0; i < 10; i++) {
          const page = await history('chronicle', 'chron', { pageSize: 2, includeLogs: true, order: 'asc', ...(logsCursor ? { logsCursor } : {}) });
          messages.push(...(page.body.logs as Log[]).map((l) => l.message));
          expect(names(page.body.steps)).toEqual(['s1', 's2']);
          logsCursor = page.body.logsCursor;
          expect(Boolean(logsCursor)).toBe(page.body.logsHasNextPage);
          if (!page.body.logsHasNextPage) break;
        }
        expect(messages).toEqual(['Run 0 started', 'debug line', 'info line', 'warn line', 'error line', 'inside s1']);
      });

      it('without order, every stream is newest first (as with order=desc) and pages backwards; order=asc is oldest first', async () => {
        const p1 = await history('chronicle', 'chron', { pageSize: 2, includeLogs: true });
        const explicitDesc = await history('chronicle', 'chron', { order: 'desc', pageSize: 2, includeLogs: true });
        for (const stream of ['steps', 'events', 'logs']) expect(p1.body[stream]).toEqual(explicitDesc.body[stream]);
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
          const res = await history('chronicle', 'chron', { includeLogs: true, order: 'asc', ...query });
          expect(res.status).toBe(200);
          return (res.body.logs as Log[]).map((l) => `${l.level}:${l.category}:${l.message}`);
        };
        expect(await messages({ logLevel: 'debug' })).toHaveLength(6);
        expect(await messages({ logLevel: 'info' })).toEqual([
          'info:system:Run 0 started',
          'info:workflow:info line',
          'warn:workflow:warn line',
          'error:audit:error line',
          'info:workflow:inside s1',
        ]);
        expect(await messages({ logLevel: 'warn' })).toEqual(['warn:workflow:warn line', 'error:audit:error line']);
        expect(await messages({ logLevel: 'error' })).toEqual(['error:audit:error line']);
        expect(await messages({ logCategory: 'audit' })).toEqual(['error:audit:error line']);
        expect(await messages({ logCategory: 'system' })).toEqual(['info:system:Run 0 started']);
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
        expectError(await history('chronicle', 'chron', { includeLogs: true, logLevel: 'warn', logsCursor }), 400, 'INVALID_CURSOR');
        expectError(await history('chronicle', 'chron', { includeLogs: true, logCategory: 'audit', logsCursor }), 400, 'INVALID_CURSOR');
        // Another instance's cursor.
        expectError(await history('approval', 'err-live', { stepsCursor }), 400, 'INVALID_CURSOR');
        // An instance-list cursor is not a history cursor, nor the other way round.
        const listCursor = (await http.get(`${BASE}/workflows/pager/instances`).query({ pageSize: 1 })).body.cursor;
        expectError(await history('chronicle', 'chron', { stepsCursor: listCursor }), 400, 'INVALID_CURSOR');
        expectError(await http.get(`${BASE}/workflows/chronicle/instances`).query({ cursor: stepsCursor }), 400, 'INVALID_CURSOR');
      });

      it('a cursor carries its page size and order: alone it continues with both, pageSize changes the size, order does not turn it around', async () => {
        const asc = await history('chronicle', 'chron', { pageSize: 1, order: 'asc', includeLogs: true });
        const { stepsCursor, eventsCursor, logsCursor } = asc.body as Record<string, string>;
        // No pageSize: the cursor's 1, not 25.
        const next = await history('chronicle', 'chron', { stepsCursor, eventsCursor, logsCursor, includeLogs: true });
        expect(next.status).toBe(200);
        expect(names(next.body.steps)).toEqual(['s2']);
        expect(ids(next.body.events)).toEqual(['n2']);
        expect((next.body.logs as Log[]).map((l) => l.message)).toEqual(['debug line']);
        expect(next.body).toMatchObject({ stepsHasNextPage: true, eventsHasNextPage: true, logsHasNextPage: true });
        // An explicit pageSize wins.
        expect(names((await history('chronicle', 'chron', { pageSize: 2, stepsCursor })).body.steps)).toEqual(['s2', 's3']);
        expectIssues(expectError(await history('chronicle', 'chron', { pageSize: 0, stepsCursor }), 400, 'VALIDATION_ERROR'));
        // The cursor's order wins over an explicit one: a 200 that goes on in the cursor's direction.
        const turned = await history('chronicle', 'chron', { order: 'desc', stepsCursor, eventsCursor });
        expect(turned.status).toBe(200);
        expect(names(turned.body.steps)).toEqual(['s2']);
        expect(ids(turned.body.events)).toEqual(['n2']);
        const newest = await history('chronicle', 'chron', { pageSize: 3 });
        const back = await history('chronicle', 'chron', { order: 'asc', stepsCursor: newest.body.stepsCursor });
        expect(names(back.body.steps)).toEqual(['s1']);
        expect(back.body.stepsHasNextPage).toBe(false);
      });

      it('runNumber reads an earlier run after a restart (0 is the first), and a later run than the current one as empty', async () => {
        await create('chronicle', { id: 'chron-r' });
        await tick();
        await http.post(`${BASE}/workflows/chronicle/instances/chron-r/events`).send({ type: 'note', id: 'run0-note' }).expect(200);
        const restart = await http.post(`${BASE}/workflows/chronicle/instances/chron-r/restart`);
        expect(restart.body).toEqual({ ok: true, id: 'chron-r', details: { status: 'queued' } });

        const current = await history('chronicle', 'chron-r', { includeLogs: true });
        expect(current.body.runNumber).toBe(1);
        expect(current.body.steps).toEqual([]);
        expect(current.body.events).toEqual([]);

        await tick();
        await http.post(`${BASE}/workflows/chronicle/instances/chron-r/events`).send({ type: 'go', payload: 'run 1 done' }).expect(200);
        await tick();
        expect((await get('chronicle', 'chron-r')).body.details).toEqual({ status: 'complete', output: 'run 1 done' });

        const run0 = await history('chronicle', 'chron-r', { runNumber: 0, includeLogs: true, order: 'asc' });
        expect(run0.status).toBe(200);
        expect(run0.body.runNumber).toBe(0);
        expect(names(run0.body.steps)).toEqual(['s1', 's2', 's3', 'go']);
        expect(run0.body.steps[3].status).toBe('waiting');
        for (const step of run0.body.steps) expect(step.runNumber).toBe(0);
        expect(ids(run0.body.events)).toEqual(['run0-note']);
        expect((run0.body.logs as Log[])[0].message).toBe('Run 0 started');

        const run1 = await history('chronicle', 'chron-r', { runNumber: 1, order: 'asc' });
        expect(run1.body.runNumber).toBe(1);
        expect((run1.body.steps as Step[]).map((s) => [s.name, s.status])).toEqual([
          ['s1', 'completed'],
          ['s2', 'completed'],
          ['s3', 'completed'],
          ['go', 'completed'],
        ]);
        expect(run1.body.events).toHaveLength(1);
        expect(run1.body.events[0]).toMatchObject({ runNumber: 1, type: 'go', consumedByStepKey: 'go' });
        // A run after the current one has nothing yet: an empty 200, not an error; a negative run is still refused.
        const later = await history('chronicle', 'chron-r', { runNumber: 2, includeLogs: true });
        expect(later.status).toBe(200);
        expect(later.body).toEqual({ runNumber: 2, steps: [], events: [], logs: [], stepsHasNextPage: false, eventsHasNextPage: false, logsHasNextPage: false });
        expectIssues(expectError(await history('chronicle', 'chron-r', { runNumber: -1 }), 400, 'VALIDATION_ERROR'));
      });
    });
  });
});
