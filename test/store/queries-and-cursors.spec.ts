/**
 * The store port's reads, straight against each adapter: instances and the three history streams
 * paged by keyset (the positions cursors carry), in both orders and with their filters, and the
 * reads the runner needs (a run's steps, its last step, the next due time).
 */
import type { LogLevel } from '../../src/engine/definition/types';
import { INSTANCE_STATUSES, type InstanceRecord } from '../../src/engine/model';
import type { PageQuery, WorkflowStore } from '../../src/engine/ports/store';
import { TEST_DATABASES } from '../support/databases';
import { emptyTestStore } from '../support/shared-store';
import { claimRequest, insertEvents, instanceRecord, keyOf, newEvent, newLog, seed, stepRecord, T0, taskRecord } from '../support/store-records';

const A = keyOf('a');

/** Pages through `read` `size` rows at a time, each page after the last row of the one before. */
async function pageThrough<R, K>(read: (page: PageQuery<K>) => Promise<R[]>, size: number, order: 'asc' | 'desc', positionOf: (row: R) => K): Promise<R[][]> {
  const pages: R[][] = [];
  let after: K | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await read({ limit: size, order, after });
    if (!page.length) return pages;
    pages.push(page);
    after = positionOf(page[page.length - 1]);
  }
  throw new Error('too many pages');
}

describe.each(TEST_DATABASES)('store queries on %s', (kind) => {
  let store: WorkflowStore;

  beforeEach(async () => {
    store = await emptyTestStore(kind);
  });

  describe('findInstance', () => {
    it('reads back every field as written', async () => {
      const full = instanceRecord('full', {
        runNumber: 4,
        status: 'errored',
        params: '{"z":1,"a":"ünïcode"}',
        output: null,
        error: { name: 'TypeError', message: 'x is not a function' },
        createdAt: T0 - 5,
        updatedAt: T0 + 5,
        startedAt: T0,
        completedAt: T0 + 5,
      });
      await seed(store, [full]);
      expect(await store.findInstance(keyOf('full'))).toEqual(full);
    });

    it('finds nothing for an unknown id, or the same id under another workflow', async () => {
      await seed(store, [instanceRecord('a')]);
      expect(await store.findInstance(keyOf('b'))).toBeNull();
      expect(await store.findInstance(keyOf('a', 'other'))).toBeNull();
    });

    it.each(INSTANCE_STATUSES)('stores and reads back the status %s', async (status) => {
      await seed(store, [instanceRecord('a', { status })]);
      expect((await store.findInstance(A))?.status).toBe(status);
      await seed(store, [instanceRecord('b')]);
      await store.transaction((tx) => tx.updateInstance(keyOf('b'), { status }));
      expect((await store.findInstance(keyOf('b')))?.status).toBe(status);
      expect((await store.listInstances({ workflowName: 'wf', status, limit: 10, order: 'asc' })).map((i) => i.instanceId)).toEqual(['a', 'b']);
    });

    it('reads a status this version does not know as unknown', async () => {
      await seed(store, [instanceRecord('a')]);
      await store.transaction((tx) => tx.updateInstance(A, { status: 'hibernating' as InstanceRecord['status'] }));
      expect((await store.findInstance(A))?.status).toBe('unknown');
    });
  });

  describe('listInstances', () => {
    // Created one millisecond apart, with ties at T0 + 2 broken by id.
    const CREATED: [string, number][] = [
      ['i1', T0],
      ['i2', T0 + 1],
      ['t-b', T0 + 2],
      ['t-a', T0 + 2],
      ['t-c', T0 + 2],
      ['i6', T0 + 3],
    ];
    const ASCENDING = ['i1', 'i2', 't-a', 't-b', 't-c', 'i6'];

    beforeEach(async () => {
      await seed(store, CREATED.map(([id, at]) => instanceRecord(id, { createdAt: at, updatedAt: at })));
      await seed(store, [instanceRecord('elsewhere', { workflowName: 'other' })]);
    });

    const list = (page: PageQuery<{ createdAt: number; instanceId: string }>, status?: InstanceRecord['status']) =>
      store.listInstances({ workflowName: 'wf', status, ...page });
    const position = (i: InstanceRecord) => ({ createdAt: i.createdAt, instanceId: i.instanceId });

    it('lists one workflow by creation time then id, in both orders', async () => {
      expect((await list({ limit: 100, order: 'asc' })).map((i) => i.instanceId)).toEqual(ASCENDING);
      expect((await list({ limit: 100, order: 'desc' })).map((i) => i.instanceId)).toEqual([...ASCENDING].reverse());
      expect((await list({ limit: 2, order: 'desc' })).map((i) => i.instanceId)).toEqual(['i6', 't-c']);
    });

    it.each(['asc', 'desc'] as const)('pages %s strictly after the given position, through ties, without duplicates or gaps', async (order) => {
      for (const size of [1, 2, 4]) {
        const pages = await pageThrough(list, size, order, position);
        expect(pages.every((page) => page.length <= size)).toBe(true);
        expect(pages.flat().map((i) => i.instanceId)).toEqual(order === 'asc' ? ASCENDING : [...ASCENDING].reverse());
      }
      const after = { createdAt: T0 + 2, instanceId: 't-b' };
      expect((await list({ limit: 10, order, after })).map((i) => i.instanceId)).toEqual(order === 'asc' ? ['t-c', 'i6'] : ['t-a', 'i2', 'i1']);
    });

    it('a position between rows (an id that does not exist) pages on from where it would be', async () => {
      expect((await list({ limit: 10, order: 'asc', after: { createdAt: T0 + 2, instanceId: 't-ab' } })).map((i) => i.instanceId)).toEqual(['t-b', 't-c', 'i6']);
      expect((await list({ limit: 10, order: 'desc', after: { createdAt: T0 + 100, instanceId: 'x' } })).map((i) => i.instanceId)).toEqual([...ASCENDING].reverse());
    });

    it('filters by status, paging within the filter', async () => {
      await store.transaction(async (tx) => {
        for (const id of ['i2', 't-a', 'i6']) await tx.updateInstance(keyOf(id), { status: 'paused' });
      });
      expect((await list({ limit: 10, order: 'desc' }, 'paused')).map((i) => i.instanceId)).toEqual(['i6', 't-a', 'i2']);
      const pages = await pageThrough((page) => list(page, 'paused'), 1, 'asc', position);
      expect(pages.map((page) => page.map((i) => i.instanceId))).toEqual([['i2'], ['t-a'], ['i6']]);
      expect(await list({ limit: 10, order: 'asc' }, 'complete')).toEqual([]);
    });
  });

  describe('history streams', () => {
    beforeEach(async () => {
      await seed(store, [instanceRecord('a'), instanceRecord('b')]);
    });

    it('listSteps pages a run\'s steps by sequence number, in both orders, and only that run\'s', async () => {
      await store.transaction((tx) =>
        tx.saveSteps([
          ...[3, 1, 5, 2, 4].map((seq) => stepRecord(A, `s${seq}`, seq)),
          stepRecord({ ...A, runNumber: 2 }, 'next-run', 1),
          stepRecord(keyOf('b'), 'other-instance', 1),
        ]),
      );
      const read = (page: PageQuery<number>) => store.listSteps({ key: A, runNumber: 1, ...page });
      expect((await read({ limit: 10, order: 'asc' })).map((s) => s.name)).toEqual(['s1', 's2', 's3', 's4', 's5']);
      expect((await read({ limit: 10, order: 'desc' })).map((s) => s.name)).toEqual(['s5', 's4', 's3', 's2', 's1']);
      expect((await pageThrough(read, 2, 'asc', (s) => s.seq)).map((page) => page.map((s) => s.seq))).toEqual([[1, 2], [3, 4], [5]]);
      expect((await pageThrough(read, 2, 'desc', (s) => s.seq)).map((page) => page.map((s) => s.seq))).toEqual([[5, 4], [3, 2], [1]]);
      expect((await read({ limit: 10, order: 'asc', after: 3 })).map((s) => s.seq)).toEqual([4, 5]);
      expect((await read({ limit: 10, order: 'desc', after: 3 })).map((s) => s.seq)).toEqual([2, 1]);
      expect((await store.listSteps({ key: A, runNumber: 2, limit: 10, order: 'asc' })).map((s) => s.name)).toEqual(['next-run']);
      expect(await store.listSteps({ key: A, runNumber: 3, limit: 10, order: 'asc' })).toEqual([]);
    });

    it('listEvents pages a run\'s events by sequence number, in both orders, and only that run\'s', async () => {
      await insertEvents(store, [
        ...['e1', 'e2', 'e3', 'e4'].map((id) => newEvent(A, id)),
        newEvent(A, 'run-2', { runNumber: 2 }),
        newEvent(keyOf('b'), 'other-instance'),
      ]);
      const read = (page: PageQuery<number>) => store.listEvents({ key: A, runNumber: 1, ...page });
      expect((await pageThrough(read, 3, 'asc', (e) => e.seq)).map((page) => page.map((e) => e.id))).toEqual([['e1', 'e2', 'e3'], ['e4']]);
      expect((await pageThrough(read, 3, 'desc', (e) => e.seq)).map((page) => page.map((e) => e.id))).toEqual([['e4', 'e3', 'e2'], ['e1']]);
      expect((await store.listEvents({ key: A, runNumber: 2, limit: 10, order: 'asc' })).map((e) => [e.id, e.seq])).toEqual([['run-2', 5]]);
    });

    describe('listLogs', () => {
      const LINES: [LogLevel, string, string][] = [
        ['debug', 'workflow', 'd1'],
        ['info', 'system', 'started'],
        ['info', 'workflow', 'i1'],
        ['warn', 'audit', 'w1'],
        ['error', 'workflow', 'e1'],
        ['warn', 'workflow', 'w2'],
        ['debug', 'audit', 'd2'],
      ];

      beforeEach(async () => {
        await store.transaction(async (tx) => {
          await tx.insertLogs(LINES.map(([level, category, message]) => newLog(A, message, { level, category })));
          await tx.insertLogs([newLog({ ...A }, 'run 2', { runNumber: 2 }), newLog(keyOf('b'), 'other instance')]);
        });
      });

      const messages = (levels?: LogLevel[], category?: string, order: 'asc' | 'desc' = 'asc') =>
        store.listLogs({ key: A, runNumber: 1, limit: 100, order, levels, category }).then((logs) => logs.map((l) => l.message));

      it('lists a run\'s lines in write order, with increasing ids, in both orders', async () => {
        const lines = await store.listLogs({ key: A, runNumber: 1, limit: 100, order: 'asc' });
        expect(lines.map((l) => l.message)).toEqual(LINES.map(([, , message]) => message));
        const lineIds = lines.map((l) => l.id);
        expect([...lineIds].sort((x, y) => x - y)).toEqual(lineIds);
        expect(new Set(lineIds).size).toBe(lineIds.length);
        expect(await messages(undefined, undefined, 'desc')).toEqual(LINES.map(([, , message]) => message).reverse());
        expect(await store.listLogs({ key: A, runNumber: 2, limit: 100, order: 'asc' })).toMatchObject([{ message: 'run 2', runNumber: 2 }]);
      });

      it('pages by id, in both orders', async () => {
        const read = (page: PageQuery<number>) => store.listLogs({ key: A, runNumber: 1, ...page });
        const asc = await pageThrough(read, 3, 'asc', (l) => l.id);
        expect(asc.map((page) => page.length)).toEqual([3, 3, 1]);
        expect(asc.flat().map((l) => l.message)).toEqual(LINES.map(([, , message]) => message));
        const desc = await pageThrough(read, 3, 'desc', (l) => l.id);
        expect(desc.flat().map((l) => l.message)).toEqual(LINES.map(([, , message]) => message).reverse());
      });

      it('keeps only the levels asked for', async () => {
        expect(await messages(['warn', 'error'])).toEqual(['w1', 'e1', 'w2']);
        expect(await messages(['error'])).toEqual(['e1']);
        expect(await messages(['debug', 'info', 'warn', 'error'])).toHaveLength(LINES.length);
      });

      it.each(['debug', 'info', 'warn', 'error'] as LogLevel[])('keeps only %s lines when only that level is asked for', async (level) => {
        expect(await messages([level])).toEqual(LINES.filter(([l]) => l === level).map(([, , message]) => message));
      });

      it('keeps only the category asked for, also together with levels and paging', async () => {
        expect(await messages(undefined, 'audit')).toEqual(['w1', 'd2']);
        expect(await messages(undefined, 'system')).toEqual(['started']);
        expect(await messages(['warn', 'error'], 'workflow')).toEqual(['e1', 'w2']);
        expect(await messages(undefined, 'nothing-here')).toEqual([]);
        const read = (page: PageQuery<number>) => store.listLogs({ key: A, runNumber: 1, category: 'workflow', levels: ['debug', 'info', 'warn', 'error'], ...page });
        expect((await pageThrough(read, 2, 'desc', (l) => l.id)).map((page) => page.map((l) => l.message))).toEqual([['w2', 'e1'], ['i1', 'd1']]);
      });

      it('reads back every field as written', async () => {
        const line = newLog(A, 'inside', { stepName: 'charge', attempt: 3, level: 'warn', category: 'audit', data: '{"b":1,"a":2}', isReplay: true, createdAt: T0 + 7 });
        await store.transaction((tx) => tx.insertLogs([line]));
        const [stored] = await store.listLogs({ key: A, runNumber: 1, limit: 1, order: 'desc' });
        expect(stored).toEqual({ ...line, id: expect.any(Number) });
      });
    });
  });

  describe('steps for the runner', () => {
    beforeEach(async () => {
      await seed(store, [instanceRecord('a')]);
    });

    it('lastStep is the step created last (highest sequence number) of the run, or null', async () => {
      expect(await store.lastStep(A, 1)).toBeNull();
      await store.transaction((tx) => tx.saveSteps([stepRecord(A, 'b', 2), stepRecord(A, 'c', 3), stepRecord(A, 'a', 1), stepRecord({ ...A, runNumber: 2 }, 'later', 9)]));
      expect(await store.lastStep(A, 1)).toEqual(stepRecord(A, 'c', 3));
      // Updating an earlier step does not make it the last one.
      await store.transaction((tx) => tx.saveSteps([stepRecord(A, 'a', 1, { status: 'errored', updatedAt: T0 + 9 })]));
      expect((await store.lastStep(A, 1))?.name).toBe('c');
      expect((await store.lastStep(A, 2))?.name).toBe('later');
    });

    it('loadSteps gives every step of the run and none of another', async () => {
      const steps = [stepRecord(A, 'a', 1), stepRecord(A, 'b', 2, { type: 'sleep', status: 'waiting', wakeAt: T0 + 1, result: null })];
      await store.transaction((tx) => tx.saveSteps([...steps, stepRecord({ ...A, runNumber: 2 }, 'a', 1)]));
      expect((await store.loadSteps(A, 1)).sort((x, y) => x.seq - y.seq)).toEqual(steps);
      expect(await store.loadSteps(A, 3)).toEqual([]);
    });
  });

  describe('nextDueAt', () => {
    it('is the earliest due time of the given workflows\' runs, leased ones included (their lease expiry), paused ones not', async () => {
      expect(await store.nextDueAt(['wf'])).toBeNull();
      await seed(store, [instanceRecord('later')], T0 + 5_000);
      await seed(store, [instanceRecord('sooner')], T0 + 3_000);
      await seed(store, [instanceRecord('other', { workflowName: 'other' })], T0 + 1_000);
      expect(await store.nextDueAt(['wf'])).toBe(T0 + 3_000);
      expect(await store.nextDueAt(['wf', 'other'])).toBe(T0 + 1_000);
      expect(await store.nextDueAt(['nope'])).toBeNull();
      // Of no workflow, nothing is due: as claimDue([]) claims nothing.
      expect(await store.nextDueAt([])).toBeNull();

      await store.transaction((tx) => tx.putTasks([taskRecord(keyOf('sooner'), 'resume', null)]));
      expect(await store.nextDueAt(['wf'])).toBe(T0 + 5_000);

      const [run] = await store.claimDue(claimRequest({ now: T0 + 5_000, leaseMs: 30_000 }));
      expect(run.instance.instanceId).toBe('later');
      expect(await store.nextDueAt(['wf'])).toBe(T0 + 35_000);
      await store.transaction((tx) => tx.deleteTask(keyOf('later')));
      expect(await store.nextDueAt(['wf'])).toBeNull();
    });
  });
});
