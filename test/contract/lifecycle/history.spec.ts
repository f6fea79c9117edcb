/**
 * Contract tests for an instance's history: three streams paged independently,
 * through the programmatic client, on a real SQLite file and a real PostgreSQL database. Time only
 * moves with the ManualClock; the runner only moves with `tick`.
 */
import { defineWorkflow } from '../../../src/engine/definition/define-workflow';
import { flipChar } from '../../support/cursors';
import { TEST_DATABASES } from '../../support/databases';
import { expectCode } from '../../support/engine-errors';
import { lifecycleHarness } from '../../support/lifecycle';
import type { TestEngine } from '../../support/test-engine';

describe.each(TEST_DATABASES)('lifecycle on %s', (kind) => {
  const { setup } = lifecycleHarness(kind);

  // ---- 11. history ----------------------------------------------------------------------------

  describe('history', () => {
    async function chattyEngine() {
      const wf = defineWorkflow({ name: 'chatty' }, async (_event, step) => {
        for (let i = 1; i <= 5; i++) {
          await step.do(`s${i}`, async () => i);
          step.log.info(`line ${i}`);
        }
        await step.waitForEvent('w', { type: 'done', timeout: '1 hour' });
      });
      const t = await setup([wf]);
      await t.client.create('chatty', { id: 'h' });
      for (let i = 1; i <= 5; i++) await t.client.sendEvent('chatty', 'h', { type: 'note', payload: i, id: `n${i}` });
      await t.runUntilIdle();
      expect((await t.client.get('chatty', 'h')).details).toEqual({ status: 'waiting' });
      return t;
    }

    type Stream = 'steps' | 'events' | 'logs';
    const cursorKey = { steps: 'stepsCursor', events: 'eventsCursor', logs: 'logsCursor' } as const;
    const moreKey = { steps: 'stepsHasNextPage', events: 'eventsHasNextPage', logs: 'logsHasNextPage' } as const;

    async function pageThrough(t: TestEngine, stream: Stream, order: 'asc' | 'desc'): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 20; i++) {
        const page = await t.client.history('chatty', 'h', { pageSize: 2, order, includeLogs: true, [cursorKey[stream]]: cursor });
        const rows = page[stream] as { id: string }[];
        expect(rows.length).toBeLessThanOrEqual(2);
        seen.push(...rows.map((r) => r.id));
        if (!page[moreKey[stream]]) {
          expect(page).not.toHaveProperty(cursorKey[stream]);
          return seen;
        }
        cursor = page[cursorKey[stream]];
        expect(typeof cursor).toBe('string');
      }
      throw new Error('too many pages');
    }

    it('pages steps, events and logs independently with pageSize 2, in both orders', async () => {
      const t = await chattyEngine();
      const full = await t.client.history('chatty', 'h', { pageSize: 100, includeLogs: true, order: 'asc' });
      expect(full.steps.map((s) => s.name)).toEqual(['s1', 's2', 's3', 's4', 's5', 'w']);
      expect(full.events.map((e) => e.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
      expect(full.logs!.filter((l) => l.category === 'workflow').map((l) => l.message)).toEqual([
        'line 1',
        'line 2',
        'line 3',
        'line 4',
        'line 5',
      ]);
      expect(full.logs!.length).toBeGreaterThan(5);

      for (const stream of ['steps', 'events', 'logs'] as Stream[]) {
        const all = (full[stream] as { id: string }[]).map((r) => r.id);
        expect(await pageThrough(t, stream, 'asc')).toEqual(all);
        expect(await pageThrough(t, stream, 'desc')).toEqual([...all].reverse());
      }

      const first = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, order: 'asc' });
      expect(first.steps.map((s) => s.name)).toEqual(['s1', 's2']);
      expect(first.events.map((e) => e.id)).toEqual(['n1', 'n2']);
      expect(first.logs).toHaveLength(2);
      expect(first).toMatchObject({ stepsHasNextPage: true, eventsHasNextPage: true, logsHasNextPage: true });

      // Advancing one stream leaves the others on their first page.
      const stepsOnly = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, order: 'asc', stepsCursor: first.stepsCursor });
      expect(stepsOnly.steps.map((s) => s.name)).toEqual(['s3', 's4']);
      expect(stepsOnly.events.map((e) => e.id)).toEqual(['n1', 'n2']);
      expect(stepsOnly.logs!.map((l) => l.id)).toEqual(first.logs!.map((l) => l.id));
      const eventsOnly = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, order: 'asc', eventsCursor: first.eventsCursor });
      expect(eventsOnly.steps.map((s) => s.name)).toEqual(['s1', 's2']);
      expect(eventsOnly.events.map((e) => e.id)).toEqual(['n3', 'n4']);
      const logsOnly = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, order: 'asc', logsCursor: first.logsCursor });
      expect(logsOnly.steps.map((s) => s.name)).toEqual(['s1', 's2']);
      expect(logsOnly.logs!.map((l) => l.id)).toEqual(full.logs!.slice(2, 4).map((l) => l.id));

      // Newest first unless asked otherwise.
      const desc = await t.client.history('chatty', 'h', { pageSize: 2, order: 'desc', includeLogs: true });
      expect(desc.steps.map((s) => s.name)).toEqual(['w', 's5']);
      expect(desc.events.map((e) => e.id)).toEqual(['n5', 'n4']);
      expect(desc.logs!.map((l) => l.id)).toEqual(full.logs!.slice(-2).reverse().map((l) => l.id));
      const byDefault = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true });
      expect({ steps: byDefault.steps, events: byDefault.events, logs: byDefault.logs }).toEqual({ steps: desc.steps, events: desc.events, logs: desc.logs });
      expect((await t.client.history('chatty', 'h', { pageSize: 100, includeLogs: true })).logs!.map((l) => l.id)).toEqual([...full.logs!].reverse().map((l) => l.id));

      const withoutLogs = await t.client.history('chatty', 'h');
      expect(withoutLogs).not.toHaveProperty('logs');
      expect(withoutLogs).not.toHaveProperty('logsCursor');
      expect(withoutLogs).not.toHaveProperty('logsHasNextPage');
    });

    it('reads run 0 as the first run, a run after the current one as an empty history, and rejects a negative or fractional runNumber with VALIDATION_ERROR', async () => {
      const t = await chattyEngine();
      for (const runNumber of [-1, 1.5]) {
        await expectCode(t.client.history('chatty', 'h', { runNumber }), 'VALIDATION_ERROR');
      }
      const current = await t.client.history('chatty', 'h', { pageSize: 100 });
      expect(current.runNumber).toBe(0);
      expect(current.steps).toHaveLength(6);
      expect(await t.client.history('chatty', 'h', { runNumber: 0, pageSize: 100 })).toEqual(current);
      const empty = { steps: [], events: [], stepsHasNextPage: false, eventsHasNextPage: false };
      expect(await t.client.history('chatty', 'h', { runNumber: 1 })).toEqual({ runNumber: 1, ...empty });
      expect(await t.client.history('chatty', 'h', { runNumber: 7, includeLogs: true })).toEqual({ runNumber: 7, ...empty, logs: [], logsHasNextPage: false });
      await t.client.restart('chatty', 'h');
      expect((await t.client.history('chatty', 'h', { runNumber: 1 })).runNumber).toBe(1);
      expect((await t.client.history('chatty', 'h', { runNumber: 0, pageSize: 100 })).steps).toHaveLength(6);
      expect(await t.client.history('chatty', 'h', { runNumber: 2 })).toEqual({ runNumber: 2, ...empty });
    });

    it('rejects foreign and tampered cursors with INVALID_CURSOR', async () => {
      const t = await chattyEngine();
      const page = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, order: 'asc' });
      const { stepsCursor, eventsCursor, logsCursor } = page;
      expect([typeof stepsCursor, typeof eventsCursor, typeof logsCursor]).toEqual(['string', 'string', 'string']);

      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, eventsCursor: stepsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, stepsCursor: eventsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, logsCursor: stepsCursor }), 'INVALID_CURSOR');
      // Same stream, other query: another log filter, another instance, a list cursor.
      await expectCode(
        t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, logLevel: 'warn', logsCursor }),
        'INVALID_CURSOR',
      );
      await t.client.create('chatty', { id: 'other' });
      await expectCode(t.client.history('chatty', 'other', { pageSize: 2, stepsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.list('chatty', { cursor: stepsCursor }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { stepsCursor: flipChar(stepsCursor!, 2) }), 'INVALID_CURSOR');
      await expectCode(t.client.history('chatty', 'h', { eventsCursor: 'garbage' }), 'INVALID_CURSOR');
      // A cursor carries its run: after a restart it goes on with run 0, and it is not one of run 1.
      await t.client.restart('chatty', 'h');
      await expectCode(t.client.history('chatty', 'h', { runNumber: 1, pageSize: 2, stepsCursor }), 'INVALID_CURSOR');
      for (const runNumber of [0, undefined]) {
        const continued = await t.client.history('chatty', 'h', { runNumber, pageSize: 2, stepsCursor });
        expect({ runNumber: continued.runNumber, steps: continued.steps.map((s) => s.name) }).toEqual({ runNumber: 0, steps: ['s3', 's4'] });
      }
    });

    it('continues a cursor with its own page size and order: an explicit pageSize changes the size, an explicit order does not turn it around', async () => {
      const t = await chattyEngine();
      const asc = await t.client.history('chatty', 'h', { pageSize: 2, includeLogs: true, order: 'asc' });
      const desc = await t.client.history('chatty', 'h', { pageSize: 3, includeLogs: true });
      const all = await t.client.history('chatty', 'h', { pageSize: 100, includeLogs: true, order: 'asc' });
      const logIds = all.logs!.map((l) => l.id);

      // No pageSize and no order: the cursor's (2, ascending; 3, newest first), not 25 and not the default order.
      const next = await t.client.history('chatty', 'h', { includeLogs: true, stepsCursor: asc.stepsCursor, eventsCursor: asc.eventsCursor, logsCursor: asc.logsCursor });
      expect(next.steps.map((s) => s.name)).toEqual(['s3', 's4']);
      expect(next.events.map((e) => e.id)).toEqual(['n3', 'n4']);
      expect(next.logs!.map((l) => l.id)).toEqual(logIds.slice(2, 4));
      expect(next).toMatchObject({ stepsHasNextPage: true, eventsHasNextPage: true, logsHasNextPage: true });
      const nextDesc = await t.client.history('chatty', 'h', { stepsCursor: desc.stepsCursor, eventsCursor: desc.eventsCursor });
      expect(nextDesc.steps.map((s) => s.name)).toEqual(['s3', 's2', 's1']);
      expect(nextDesc.events.map((e) => e.id)).toEqual(['n2', 'n1']);
      expect(nextDesc).toMatchObject({ stepsHasNextPage: false, eventsHasNextPage: false });

      // The next cursor carries the size it was continued with.
      const third = await t.client.history('chatty', 'h', { stepsCursor: next.stepsCursor });
      expect(third.steps.map((s) => s.name)).toEqual(['s5', 'w']);
      expect(third.stepsHasNextPage).toBe(false);

      // An explicit pageSize wins, and the cursor it gives carries that size.
      const wider = await t.client.history('chatty', 'h', { pageSize: 3, stepsCursor: asc.stepsCursor });
      expect(wider.steps.map((s) => s.name)).toEqual(['s3', 's4', 's5']);
      expect((await t.client.history('chatty', 'h', { stepsCursor: wider.stepsCursor })).steps.map((s) => s.name)).toEqual(['w']);
      await expectCode(t.client.history('chatty', 'h', { pageSize: 101, stepsCursor: asc.stepsCursor }), 'VALIDATION_ERROR');

      // The cursor's order wins over an explicit one, both ways round: no error, the cursor's direction.
      expect((await t.client.history('chatty', 'h', { order: 'desc', stepsCursor: asc.stepsCursor })).steps.map((s) => s.name)).toEqual(['s3', 's4']);
      expect((await t.client.history('chatty', 'h', { order: 'asc', stepsCursor: desc.stepsCursor })).steps.map((s) => s.name)).toEqual(['s3', 's2', 's1']);
      // Streams without a cursor still take the order asked for.
      const mixed = await t.client.history('chatty', 'h', { pageSize: 2, order: 'desc', stepsCursor: asc.stepsCursor });
      expect(mixed.steps.map((s) => s.name)).toEqual(['s3', 's4']);
      expect(mixed.events.map((e) => e.id)).toEqual(['n5', 'n4']);
    });

    it('rejects pageSize 0, 101 and 1.5 with VALIDATION_ERROR', async () => {
      const t = await chattyEngine();
      for (const pageSize of [0, 101, 1.5]) await expectCode(t.client.history('chatty', 'h', { pageSize }), 'VALIDATION_ERROR');
    });

    it('rejects an order other than asc|desc with VALIDATION_ERROR', async () => {
      const t = await chattyEngine();
      await expectCode(t.client.history('chatty', 'h', { order: 'sideways' as 'asc' }), 'VALIDATION_ERROR');
    });

    it('rejects a logLevel that is not one of the four levels with VALIDATION_ERROR', async () => {
      const t = await chattyEngine();
      await expectCode(t.client.history('chatty', 'h', { includeLogs: true, logLevel: 'loud' as 'info' }), 'VALIDATION_ERROR');
    });

    it('filters logs by level (that level and more severe) and category', async () => {
      const wf = defineWorkflow({ name: 'levels' }, async (_event, step) => {
        await step.do('s', async () => {
          step.log.debug('d');
          step.log.info('i');
          step.log.warn('w', { k: 1 }, { category: 'audit' });
          step.log.error('e');
        });
      });
      const t = await setup([wf]);
      await t.client.create('levels', { id: 'x' });
      await t.runUntilIdle();
      const messages = async (options: { logLevel?: 'debug' | 'info' | 'warn' | 'error'; logCategory?: string }) =>
        (await t.client.history('levels', 'x', { includeLogs: true, order: 'asc', ...options })).logs!
          .filter((l) => l.category !== 'system')
          .map((l) => l.message);
      expect(await messages({})).toEqual(['d', 'i', 'w', 'e']);
      expect(await messages({ logLevel: 'warn' })).toEqual(['w', 'e']);
      expect(await messages({ logLevel: 'error' })).toEqual(['e']);
      expect(await messages({ logCategory: 'audit' })).toEqual(['w']);
      const audit = (await t.client.history('levels', 'x', { includeLogs: true, logCategory: 'audit' })).logs!;
      expect(audit).toMatchObject([{ stepKey: 's', attempt: 1, level: 'warn', category: 'audit', data: { k: 1 }, isReplay: false }]);
    });
  });
});
