/**
 * History over the HTTP API: three streams paged independently (SPEC section 3.2),
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
});
