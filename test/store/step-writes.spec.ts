/**
 * A runner's writes through the store port, straight against each adapter: step rows and log
 * lines (saveProgress) and the end of a run (finishRun) land only while the lease holds, as one
 * write, however many rows it carries.
 */
import type { WorkflowStore } from '../../src/engine/ports/store';
import { TEST_DATABASES } from '../support/databases';
import { emptyTestStore } from '../support/shared-store';
import {
  claimRequest,
  claimed,
  completion,
  insertEvents,
  instanceRecord,
  keyOf,
  newEvent,
  newLog,
  readRows,
  stepRecord,
  T0,
  waitStep,
} from '../support/store-records';

const A = keyOf('a');

describe.each(TEST_DATABASES)('store step writes on %s', (kind) => {
  let store: WorkflowStore;

  beforeEach(async () => {
    store = await emptyTestStore(kind);
  });

  const logsOf = async (key = A, runNumber = 1) => store.listLogs({ key, runNumber, limit: 100, order: 'asc' });
  /** Log lines as written: without the id the store gave them. */
  const written = async (key = A) => (await logsOf(key)).map(({ id: _id, ...line }) => line);

  describe('saveProgress', () => {
    it('writes step rows and log lines while the lease holds, and reports no pause', async () => {
      const { lease } = await claimed(store, 'a');
      const steps = [stepRecord(A, 'one', 1), stepRecord(A, 'two', 2, { type: 'sleep', status: 'waiting', result: null, wakeAt: T0 + 60_000 })];
      const lines = [newLog(A, 'first'), newLog(A, 'inside', { stepName: 'one', attempt: 1, level: 'debug', data: '{"k":1}' })];
      expect(await store.saveProgress(lease, steps, lines)).toEqual({ pauseRequested: false });
      expect(await store.loadSteps(A, 1)).toEqual(expect.arrayContaining(steps));
      expect(await store.loadSteps(A, 1)).toHaveLength(2);
      expect(await written()).toEqual(lines);
    });

    it('reads back every field of a step as written', async () => {
      const { lease } = await claimed(store, 'a');
      const full = stepRecord(A, 'ünïcode ✓ step', 1, {
        id: 'an-id',
        type: 'do',
        status: 'waiting',
        attempts: 3,
        maxAttempts: null,
        timeoutMs: 2 ** 40,
        nextRetryAt: T0 + 1234,
        wakeAt: null,
        result: null,
        error: { name: 'RangeError', message: 'out of range: ✗' },
        createdAt: T0 - 1,
        updatedAt: T0 + 1,
      });
      const wait = waitStep(A, 'w', 2, 'approval', { result: '{"type":"approval","payload":{"b":2,"a":1}}', status: 'completed' });
      await store.saveProgress(lease, [full, wait], []);
      expect(await store.loadSteps(A, 1)).toEqual(expect.arrayContaining([full, wait]));
    });

    it('upserts a step row: a later write of the same name updates it and keeps its id, sequence number and creation time', async () => {
      const { lease } = await claimed(store, 'a');
      const first = stepRecord(A, 'flaky', 1, { status: 'waiting', attempts: 1, nextRetryAt: T0 + 10_000, result: null, error: { name: 'Error', message: 'try again' } });
      await store.saveProgress(lease, [first], []);
      const second = { ...first, id: 'another-id', seq: 9, createdAt: T0 + 5, status: 'completed' as const, attempts: 2, nextRetryAt: null, result: '2', error: null, updatedAt: T0 + 10_000 };
      await store.saveProgress(lease, [second], []);
      expect(await store.loadSteps(A, 1)).toEqual([{ ...second, id: first.id, seq: first.seq, createdAt: first.createdAt }]);
    });

    it('reports a pause asked for meanwhile, and still writes', async () => {
      const { lease } = await claimed(store, 'a');
      const { task } = await readRows(store, A);
      await store.transaction((tx) => tx.putTasks([{ ...task!, pauseRequested: true }]));
      expect(await store.saveProgress(lease, [stepRecord(A, 'one', 1)], [])).toEqual({ pauseRequested: true });
      expect(await store.loadSteps(A, 1)).toHaveLength(1);
    });

    it('does not extend the lease', async () => {
      const { lease } = await claimed(store, 'a', { now: T0, leaseMs: 30_000 });
      await store.saveProgress(lease, [stepRecord(A, 'one', 1)], [newLog(A, 'x')]);
      expect((await readRows(store, A)).task).toMatchObject({ dueAt: T0 + 30_000, leaseExpiresAt: T0 + 30_000 });
    });

    it('writes nothing, and answers null, when the lease was lost (another token, the queue row gone)', async () => {
      const { lease } = await claimed(store, 'a');
      expect(await store.saveProgress({ ...lease, token: 'stale' }, [stepRecord(A, 'one', 1)], [newLog(A, 'lost')])).toBeNull();
      expect(await store.saveProgress({ ...lease, runNumber: 2 }, [stepRecord(A, 'one', 1)], [newLog(A, 'lost')])).toBeNull();
      await store.transaction((tx) => tx.deleteTask(A));
      expect(await store.saveProgress(lease, [stepRecord(A, 'one', 1)], [newLog(A, 'lost')])).toBeNull();
      expect(await store.loadSteps(A, 1)).toEqual([]);
      expect(await logsOf()).toEqual([]);
    });

    it('writes nothing of another instance: the lease is per run', async () => {
      const a = await claimed(store, 'a');
      await claimed(store, 'b');
      expect(await store.saveProgress({ ...a.lease, instanceId: 'b' }, [stepRecord(keyOf('b'), 'one', 1)], [])).toBeNull();
      expect(await store.loadSteps(keyOf('b'), 1)).toEqual([]);
    });

    it('answers the lease check for an empty write, writing nothing', async () => {
      const { lease } = await claimed(store, 'a');
      expect(await store.saveProgress(lease, [], [])).toEqual({ pauseRequested: false });
      expect(await store.loadSteps(A, 1)).toEqual([]);
    });

    it('writes 2,000 step rows and 2,000 log lines in one write', async () => {
      const { lease } = await claimed(store, 'a');
      const steps = Array.from({ length: 2_000 }, (_, i) => stepRecord(A, `nap-${i}`, i + 1, { type: 'sleep', status: 'waiting', result: null, wakeAt: T0 + 60_000 }));
      const lines = Array.from({ length: 2_000 }, (_, i) => newLog(A, `line ${i}`));
      expect(await store.saveProgress(lease, steps, lines)).toEqual({ pauseRequested: false });
      const stored = await store.loadSteps(A, 1);
      expect(stored).toHaveLength(2_000);
      expect(stored.map((s) => s.seq).sort((x, y) => x - y)).toEqual(steps.map((s) => s.seq));
      expect(await store.lastStep(A, 1)).toEqual(steps[1_999]);
      const page = await store.listLogs({ key: A, runNumber: 1, limit: 100, order: 'desc' });
      expect(page[0].message).toBe('line 1999');
      // And all of them again, updated, in one more write.
      const woken = steps.map((s) => ({ ...s, status: 'completed' as const, updatedAt: T0 + 60_000 }));
      await store.saveProgress(lease, woken, []);
      expect((await store.loadSteps(A, 1)).every((s) => s.status === 'completed')).toBe(true);
    });
  });

  describe('event delivery with saveProgress', () => {
    it('consumes the event in the same write as the step row that received it', async () => {
      const { lease } = await claimed(store, 'a');
      const [event] = await insertEvents(store, [newEvent(A, 'e1', { type: 'approval', payload: '{"ok":true}' })]);
      const step = waitStep(A, 'wait', 1, 'approval', { status: 'completed', result: '{"type":"approval","payload":{"ok":true}}' });
      expect(await store.saveProgress(lease, [step], [newLog(A, 'got it')], { event, stepName: 'wait', at: T0 + 3 })).toEqual({ pauseRequested: false });
      expect(await store.transaction((tx) => tx.findEvent(A, 'e1'))).toEqual({ ...event, deliveredAt: T0 + 3, consumedByStep: 'wait' });
      expect(await store.loadSteps(A, 1)).toEqual([step]);
      expect((await logsOf()).map((l) => l.message)).toEqual(['got it']);
    });

    it('refuses to deliver an event twice, writing nothing of the second write', async () => {
      const { lease } = await claimed(store, 'a');
      const [event] = await insertEvents(store, [newEvent(A, 'e1')]);
      await store.saveProgress(lease, [waitStep(A, 'first', 1, 'go', { status: 'completed' })], [], { event, stepName: 'first', at: T0 + 1 });
      await expect(store.saveProgress(lease, [waitStep(A, 'second', 2, 'go', { status: 'completed' })], [newLog(A, 'twice')], { event, stepName: 'second', at: T0 + 2 })).rejects.toThrow(
        /already delivered/,
      );
      expect((await store.loadSteps(A, 1)).map((s) => s.name)).toEqual(['first']);
      expect(await logsOf()).toEqual([]);
      expect(await store.transaction((tx) => tx.findEvent(A, 'e1'))).toMatchObject({ deliveredAt: T0 + 1, consumedByStep: 'first' });
    });

    it('delivers nothing when the lease was lost: the event stays undelivered', async () => {
      const { lease } = await claimed(store, 'a');
      const [event] = await insertEvents(store, [newEvent(A, 'e1')]);
      expect(await store.saveProgress({ ...lease, token: 'stale' }, [waitStep(A, 'w', 1, 'go', { status: 'completed' })], [], { event, stepName: 'w', at: T0 + 1 })).toBeNull();
      expect(await store.transaction((tx) => tx.findEvent(A, 'e1'))).toEqual(event);
      expect(await store.loadSteps(A, 1)).toEqual([]);
    });
  });

  describe('finishRun', () => {
    it('ends the run while the lease holds: the instance takes the patch, the queue row goes, the last rows land', async () => {
      const run = await claimed(store, 'a', { now: T0 + 1 });
      const steps = [stepRecord(A, 'last', 1)];
      const lines = [newLog(A, 'Run 1 completed', { category: 'system' })];
      expect(await store.finishRun(run.lease, completion({ done: true }, T0 + 9), steps, lines, 'queued')).toEqual({ held: true, woke: false });
      expect(await readRows(store, A)).toEqual({
        instance: { ...run.instance, status: 'complete', output: '{"done":true}', error: null, completedAt: T0 + 9, updatedAt: T0 + 9 },
        task: null,
      });
      expect(await store.loadSteps(A, 1)).toEqual(steps);
      expect(await written()).toEqual(lines);
      expect(await store.claimDue(claimRequest({ now: T0 + 999_999 }))).toEqual([]);
    });

    it('writes an error and no output for a failed run', async () => {
      const run = await claimed(store, 'a');
      const error = { name: 'RangeError', message: 'boom' };
      expect(await store.finishRun(run.lease, { status: 'errored', output: null, error, completedAt: T0 + 2, updatedAt: T0 + 2 }, [], [], 'queued')).toEqual({ held: true, woke: false });
      expect(await store.findInstance(A)).toMatchObject({ status: 'errored', output: null, error, completedAt: T0 + 2 });
    });

    it('writes nothing and answers false when the lease was lost', async () => {
      const run = await claimed(store, 'a', { now: T0, leaseMs: 30_000 });
      const [takeover] = await store.claimDue(claimRequest({ now: T0 + 30_000 }));
      const before = await readRows(store, A);
      expect(await store.finishRun(run.lease, completion('stale', T0 + 31_000), [stepRecord(A, 'late', 1)], [newLog(A, 'late')], 'queued')).toEqual({ held: false, woke: false });
      expect(await readRows(store, A)).toEqual(before);
      expect(await store.loadSteps(A, 1)).toEqual([]);
      expect(await logsOf()).toEqual([]);
      expect(await store.finishRun(takeover.lease, completion('fresh', T0 + 31_000), [], [], 'queued')).toEqual({ held: true, woke: false });
      expect((await store.findInstance(A))?.output).toBe('"fresh"');
    });

    it('finishes with 2,000 step rows in the same write', async () => {
      const run = await claimed(store, 'a');
      const steps = Array.from({ length: 2_000 }, (_, i) => stepRecord(A, `s${i}`, i + 1));
      expect(await store.finishRun(run.lease, completion(2_000, T0 + 1), steps, [], 'queued')).toEqual({ held: true, woke: false });
      expect(await store.loadSteps(A, 1)).toHaveLength(2_000);
      expect((await store.findInstance(A))?.status).toBe('complete');
    });
  });

  describe('transaction writes', () => {
    it('updateInstance sets only the fields of the patch', async () => {
      await store.createInstances([instanceRecord('a', { params: '{"p":1}' })], T0);
      await store.transaction((tx) => tx.updateInstance(A, { status: 'paused', updatedAt: T0 + 4 }));
      expect(await store.findInstance(A)).toEqual(instanceRecord('a', { params: '{"p":1}', status: 'paused', updatedAt: T0 + 4 }));
      await store.transaction((tx) => tx.updateInstance(A, { runNumber: 2, output: null, error: null, startedAt: null, completedAt: null }));
      expect(await store.findInstance(A)).toMatchObject({ runNumber: 2, status: 'paused', params: '{"p":1}' });
      await store.transaction((tx) => tx.updateInstance(A, {}));
      expect((await store.findInstance(A))?.updatedAt).toBe(T0 + 4);
    });

    it('a transaction that throws writes nothing', async () => {
      await store.createInstances([instanceRecord('a')], T0);
      await expect(
        store.transaction(async (tx) => {
          await tx.updateInstance(A, { status: 'terminated', completedAt: T0 + 1, updatedAt: T0 + 1 });
          await tx.deleteTask(A);
          await tx.saveSteps([stepRecord(A, 'one', 1)]);
          await tx.insertLogs([newLog(A, 'gone')]);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await readRows(store, A)).toEqual({ instance: instanceRecord('a'), task: expect.objectContaining({ kind: 'new', dueAt: T0 }) });
      expect(await store.loadSteps(A, 1)).toEqual([]);
      expect(await logsOf()).toEqual([]);
    });
  });
});
