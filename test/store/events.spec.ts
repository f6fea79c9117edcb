/**
 * Events through the store port, straight against each adapter: stored in sequence, found by id,
 * offered to a wait oldest first, and waking a run that waits for their type.
 */
import type { InstanceStatus } from '../../src/engine/model';
import type { WorkflowStore } from '../../src/engine/ports/store';
import { TEST_DATABASES } from '../support/databases';
import { emptyTestStore } from '../support/shared-store';
import { claimRequest, insertEvents, instanceRecord, keyOf, newEvent, readRows, seed, stepRecord, T0, taskRecord, waitStep } from '../support/store-records';
import { DAY } from '../support/time';

const A = keyOf('a');
const B = keyOf('b');

describe.each(TEST_DATABASES)('store events on %s', (kind) => {
  let store: WorkflowStore;

  beforeEach(async () => {
    store = await emptyTestStore(kind);
    await seed(store, [instanceRecord('a'), instanceRecord('b')], T0);
  });

  /** Consumes event `id` of `a` as a runner's wait does (claiming the run for it). */
  async function deliver(id: string, at: number, stepName = 'consumer') {
    const event = await store.transaction((tx) => tx.findEvent(A, id));
    const run = (await store.claimDue(claimRequest({ now: at }))).find((c) => c.instance.instanceId === 'a')!;
    const step = waitStep(A, stepName, 1, 'go', { status: 'completed' });
    expect(await store.saveProgress(run.lease, [step], [], { event: event!, stepName, at })).not.toBeNull();
  }

  describe('insertEvent', () => {
    it('numbers events 1, 2, 3… per instance, in the order they are stored', async () => {
      const stored = await insertEvents(store, [newEvent(A, 'x'), newEvent(B, 'y'), newEvent(A, 'z'), newEvent(A, 'w'), newEvent(B, 'v')]);
      expect(stored.map((e) => [e.instanceId, e.id, e.seq])).toEqual([
        ['a', 'x', 1],
        ['b', 'y', 1],
        ['a', 'z', 2],
        ['a', 'w', 3],
        ['b', 'v', 2],
      ]);
      expect((await store.listEvents({ key: A, runNumber: 1, limit: 10, order: 'asc' })).map((e) => e.id)).toEqual(['x', 'z', 'w']);
    });

    it('keeps numbering across runs of the instance', async () => {
      await insertEvents(store, [newEvent(A, 'run1-a'), newEvent(A, 'run1-b')]);
      const [later] = await insertEvents(store, [newEvent(A, 'run2-a', { runNumber: 2 })]);
      expect(later.seq).toBe(3);
      expect((await store.listEvents({ key: A, runNumber: 2, limit: 10, order: 'asc' })).map((e) => e.id)).toEqual(['run2-a']);
    });

    it('returns the stored record, and reads back every field as written', async () => {
      const event = newEvent(A, 'full', { type: 'approval', payload: '{"z":1,"a":[true,null]}', createdAt: T0 + 5 });
      const [stored] = await insertEvents(store, [event]);
      expect(stored).toEqual({ ...event, seq: 1 });
      expect(await store.transaction((tx) => tx.findEvent(A, 'full'))).toEqual(stored);
    });

    it('refuses a second event with the same id for the same instance, but not for another instance', async () => {
      await insertEvents(store, [newEvent(A, 'dup')]);
      await expect(insertEvents(store, [newEvent(A, 'dup', { payload: '2' })])).rejects.toThrow();
      expect(await insertEvents(store, [newEvent(B, 'dup')])).toMatchObject([{ instanceId: 'b', id: 'dup', seq: 1 }]);
      expect(await store.listEvents({ key: A, runNumber: 1, limit: 10, order: 'asc' })).toMatchObject([{ id: 'dup', payload: null }]);
    });
  });

  describe('findEvent', () => {
    it('finds an event of the instance by id, in any run, and nothing for an unknown id or another instance', async () => {
      await insertEvents(store, [newEvent(A, 'e1'), newEvent(A, 'e2', { runNumber: 2 })]);
      const find = (key: typeof A, id: string) => store.transaction((tx) => tx.findEvent(key, id));
      expect(await find(A, 'e1')).toMatchObject({ id: 'e1', runNumber: 1 });
      expect(await find(A, 'e2')).toMatchObject({ id: 'e2', runNumber: 2 });
      expect(await find(A, 'nope')).toBeNull();
      expect(await find(B, 'e1')).toBeNull();
    });
  });

  describe('peekEvent', () => {
    it('offers the oldest undelivered event of the type, of the run, created no later than the deadline', async () => {
      await insertEvents(store, [
        newEvent(A, 'other-type', { type: 'note', createdAt: T0 }),
        newEvent(A, 'first', { createdAt: T0 + 10 }),
        newEvent(A, 'second', { createdAt: T0 + 20 }),
        newEvent(A, 'other-run', { runNumber: 2, createdAt: T0 }),
        newEvent(B, 'other-instance', { createdAt: T0 }),
      ]);
      expect(await store.peekEvent(A, 1, 'go', T0 + 100)).toMatchObject({ id: 'first' });
      expect(await store.peekEvent(A, 1, 'go', T0 + 10)).toMatchObject({ id: 'first' });
      expect(await store.peekEvent(A, 1, 'go', T0 + 9)).toBeNull();
      expect(await store.peekEvent(A, 1, 'note', T0)).toMatchObject({ id: 'other-type' });
      expect(await store.peekEvent(A, 2, 'go', T0)).toMatchObject({ id: 'other-run' });
      expect(await store.peekEvent(A, 1, 'missing', T0 + 100)).toBeNull();
    });

    it('skips delivered events: the next one is offered once the first is consumed', async () => {
      await insertEvents(store, [newEvent(A, 'first', { createdAt: T0 }), newEvent(A, 'second', { createdAt: T0 })]);
      await deliver('first', T0 + 1);
      expect(await store.peekEvent(A, 1, 'go', T0 + 100)).toMatchObject({ id: 'second' });
      expect(await store.transaction((tx) => tx.findEvent(A, 'first'))).toMatchObject({ deliveredAt: T0 + 1, consumedByStep: 'consumer' });
    });

    it('orders by sequence, not by creation time', async () => {
      await insertEvents(store, [newEvent(A, 'stored-first', { createdAt: T0 + 50 }), newEvent(A, 'stored-second', { createdAt: T0 + 10 })]);
      expect(await store.peekEvent(A, 1, 'go', T0 + 100)).toMatchObject({ id: 'stored-first' });
    });
  });

  describe('hasDeliverableEvent', () => {
    const has = (waits: { type: string; deadline: number }[], runNumber = 1) => store.transaction((tx) => tx.hasDeliverableEvent(A, runNumber, waits));

    it('is false for no waits', async () => {
      await insertEvents(store, [newEvent(A, 'e')]);
      expect(await has([])).toBe(false);
    });

    it('is true when one of the waits has an undelivered event of its type created by its deadline', async () => {
      await insertEvents(store, [newEvent(A, 'e', { type: 'approval', createdAt: T0 + 10 })]);
      expect(await has([{ type: 'approval', deadline: T0 + 10 }])).toBe(true);
      expect(await has([{ type: 'approval', deadline: T0 + 9 }])).toBe(false);
      expect(await has([{ type: 'other', deadline: T0 + DAY }])).toBe(false);
      expect(await has([{ type: 'other', deadline: T0 + DAY }, { type: 'approval', deadline: T0 + DAY }])).toBe(true);
      expect(await has([{ type: 'approval', deadline: T0 + DAY }], 2)).toBe(false);
    });

    it('is false once the event was delivered', async () => {
      await insertEvents(store, [newEvent(A, 'e')]);
      expect(await has([{ type: 'go', deadline: T0 + DAY }])).toBe(true);
      await deliver('e', T0 + 1);
      expect(await has([{ type: 'go', deadline: T0 + DAY }])).toBe(false);
    });
  });

  describe('wakeIfWaitingFor', () => {
    /** Instance `a` suspended on a wait for `type` (and a sleep), due in a day. */
    async function suspendedOnWait(type: string, fields: Parameters<typeof waitStep>[4] = {}) {
      await store.transaction(async (tx) => {
        await tx.saveSteps([stepRecord(A, 'nap', 1, { type: 'sleep', status: 'completed' }), waitStep(A, 'w', 2, type, fields)]);
        await tx.updateInstance(A, { status: 'waiting', updatedAt: T0 + 1, startedAt: T0 });
        await tx.putTasks([taskRecord(A, 'resume', T0 + DAY)]);
      });
    }
    const wake = (type: string, status: InstanceStatus = 'queued', runNumber = 1) =>
      store.transaction((tx) => tx.wakeIfWaitingFor(A, runNumber, type, T0 + 500, status));

    it('makes a run waiting for the type runnable now, with the status it is given', async () => {
      await suspendedOnWait('approval');
      expect(await wake('approval', 'unknown')).toBe(true);
      const { instance, task } = await readRows(store, A);
      expect(instance).toMatchObject({ status: 'unknown', updatedAt: T0 + 500 });
      expect(task).toMatchObject({ dueAt: T0 + 500, kind: 'resume' });
    });

    it('changes nothing when the run waits for another type, or in another run, or the wait is over', async () => {
      await suspendedOnWait('approval');
      const before = await readRows(store, A);
      expect(await wake('other')).toBe(false);
      expect(await wake('approval', 'queued', 2)).toBe(false);
      expect(await readRows(store, A)).toEqual(before);

      await store.transaction((tx) => tx.saveSteps([waitStep(A, 'w', 2, 'approval', { status: 'completed', updatedAt: T0 + 2 })]));
      expect(await wake('approval')).toBe(false);
      expect(await readRows(store, A)).toEqual(before);
    });

    it('changes nothing for a run with no wait at all', async () => {
      const before = await readRows(store, B);
      expect(await store.transaction((tx) => tx.wakeIfWaitingFor(B, 1, 'go', T0 + 500, 'queued'))).toBe(false);
      expect(await readRows(store, B)).toEqual(before);
    });
  });
});
