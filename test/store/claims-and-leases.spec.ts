/**
 * The store port's run queue, straight against each adapter: which due runs a claim takes and in
 * what order, what it writes to them, and how leases fence, renew and expire.
 */
import type { WorkflowStore } from '../../src/engine/ports/store';
import { deferred } from '../support/async';
import { TEST_DATABASES } from '../support/databases';
import { emptyTestStore } from '../support/shared-store';
import { claimRequest, claimed, instanceRecord, keyOf, readRows, seed, stepRecord, T0, taskRecord } from '../support/store-records';

const LEASE_MS = 30_000;

describe.each(TEST_DATABASES)('store claims and leases on %s', (kind) => {
  let store: WorkflowStore;

  beforeEach(async () => {
    store = await emptyTestStore(kind);
  });

  const ids = (claims: { instance: { instanceId: string } }[]) => claims.map((c) => c.instance.instanceId);
  const claimOne = async (now: number) => ids(await store.claimDue(claimRequest({ now, limit: 1 })));

  describe('createInstances', () => {
    it('inserts new instances with a queue row of kind new, due when asked, and returns their ids', async () => {
      const a = instanceRecord('a', { params: '{"n":1}' });
      expect(await store.createInstances([a, instanceRecord('b')], T0 + 500)).toEqual(['a', 'b']);
      expect(await store.findInstance(keyOf('a'))).toEqual(a);
      expect((await readRows(store, keyOf('b'))).task).toEqual(taskRecord(keyOf('b'), 'new', T0 + 500));
    });

    it('skips ids already taken, leaving the existing instance and its queue row alone', async () => {
      await seed(store, [instanceRecord('a', { params: '"first"' })], T0);
      expect(await store.createInstances([instanceRecord('a', { params: '"second"' }), instanceRecord('c')], T0 + 9)).toEqual(['c']);
      expect((await store.findInstance(keyOf('a')))?.params).toBe('"first"');
      expect((await readRows(store, keyOf('a'))).task?.dueAt).toBe(T0);
    });

    it('creates nothing for an empty list', async () => {
      expect(await store.createInstances([], T0)).toEqual([]);
      expect(await store.listInstances({ workflowName: 'wf', limit: 10, order: 'asc' })).toEqual([]);
    });
  });

  describe('claimDue', () => {
    it('claims nothing that is not due yet, nothing of other workflows, and nothing with no workflows or no room', async () => {
      await seed(store, [instanceRecord('later')], T0 + 1000);
      await seed(store, [instanceRecord('elsewhere', { workflowName: 'other' })], T0);
      expect(await store.claimDue(claimRequest({ now: T0 + 999 }))).toEqual([]);
      expect(await store.claimDue(claimRequest({ now: T0 + 1000, workflowNames: ['nope'] }))).toEqual([]);
      expect(await store.claimDue(claimRequest({ now: T0 + 1000, workflowNames: [] }))).toEqual([]);
      expect(await store.claimDue(claimRequest({ now: T0 + 1000, limit: 0 }))).toEqual([]);
      expect(ids(await store.claimDue(claimRequest({ now: T0 + 1000, workflowNames: ['wf', 'other'] }))).sort()).toEqual(['elsewhere', 'later']);
    });

    it('claims the oldest due first, up to the limit', async () => {
      await seed(store, [instanceRecord('c')], T0 + 30);
      await seed(store, [instanceRecord('a')], T0 + 10);
      await seed(store, [instanceRecord('b')], T0 + 20);
      expect(await claimOne(T0 + 100)).toEqual(['a']);
      expect(await claimOne(T0 + 100)).toEqual(['b']);
      expect(await claimOne(T0 + 100)).toEqual(['c']);
      expect(await claimOne(T0 + 100)).toEqual([]);
    });

    it('claims resuming runs before new ones, even new ones due earlier, and the oldest due first among them', async () => {
      await seed(store, [instanceRecord('new-early')], T0);
      await seed(store, [instanceRecord('resume-late'), instanceRecord('resume-early')], T0);
      await store.transaction((tx) => tx.putTasks([taskRecord(keyOf('resume-late'), 'resume', T0 + 50), taskRecord(keyOf('resume-early'), 'resume', T0 + 40)]));
      expect(await claimOne(T0 + 100)).toEqual(['resume-early']);
      expect(await claimOne(T0 + 100)).toEqual(['resume-late']);
      expect(await claimOne(T0 + 100)).toEqual(['new-early']);
    });

    it('claims a whole batch at once, each run once', async () => {
      await seed(store, ['a', 'b', 'c'].map((id) => instanceRecord(id)), T0);
      const claims = await store.claimDue(claimRequest({ now: T0, limit: 5 }));
      expect(ids(claims).sort()).toEqual(['a', 'b', 'c']);
      expect(await store.claimDue(claimRequest({ now: T0, limit: 5 }))).toEqual([]);
    });

    it('never hands one run to two concurrent claims', async () => {
      const all = Array.from({ length: 12 }, (_, i) => `i${i}`);
      await seed(store, all.map((id) => instanceRecord(id)), T0);
      const batches = await Promise.all([1, 2, 3, 4].map((n) => store.claimDue(claimRequest({ now: T0, limit: 5, owner: `runner-${n}` }))));
      const claimedIds = batches.flatMap(ids);
      expect(claimedIds.sort()).toEqual([...all].sort());
      expect(new Set(claimedIds).size).toBe(all.length);
    });

    it('marks claimed instances with the running status the request gives, and starts them', async () => {
      await seed(store, [instanceRecord('a')], T0);
      const [run] = await store.claimDue(claimRequest({ now: T0 + 5, statuses: { running: 'unknown', pausing: 'paused' } }));
      const expected = instanceRecord('a', { status: 'unknown', startedAt: T0 + 5, updatedAt: T0 + 5 });
      expect(run.instance).toEqual(expected);
      expect(await store.findInstance(keyOf('a'))).toEqual(expected);

      await seed(store, [instanceRecord('b')], T0);
      const [standard] = await store.claimDue(claimRequest({ now: T0 + 6 }));
      expect(standard.instance.status).toBe('running');
    });

    it('gives a run whose pause was asked the pausing status the request gives, keeping the request', async () => {
      await seed(store, [instanceRecord('p')], T0);
      await store.transaction((tx) => tx.putTasks([taskRecord(keyOf('p'), 'resume', T0, { pauseRequested: true })]));
      const [run] = await store.claimDue(claimRequest({ now: T0 + 1, statuses: { running: 'running', pausing: 'waitingForPause' } }));
      expect(run.instance.status).toBe('waitingForPause');
      expect((await readRows(store, keyOf('p'))).task?.pauseRequested).toBe(true);

      await seed(store, [instanceRecord('q')], T0);
      await store.transaction((tx) => tx.putTasks([taskRecord(keyOf('q'), 'resume', T0, { pauseRequested: true })]));
      const [other] = await store.claimDue(claimRequest({ now: T0 + 1, statuses: { running: 'running', pausing: 'paused' } }));
      expect((await store.findInstance(keyOf('q')))?.status).toBe(other.instance.status);
      expect(other.instance.status).toBe('paused');
    });

    it('leases each claimed run with a fresh token: its queue row is due again when the lease expires', async () => {
      await seed(store, [instanceRecord('a')], T0);
      const [run] = await store.claimDue(claimRequest({ now: T0 + 5, owner: 'runner-x', leaseMs: LEASE_MS, newToken: () => 'fresh-token' }));
      expect(run.lease).toEqual({ workflowName: 'wf', instanceId: 'a', runNumber: 1, token: 'fresh-token' });
      expect(run.firstClaim).toBe(true);
      expect(run.takenOver).toBe(false);
      expect((await readRows(store, keyOf('a'))).task).toEqual({
        ...taskRecord(keyOf('a'), 'new', T0 + 5 + LEASE_MS),
        leaseOwner: 'runner-x',
        leaseToken: 'fresh-token',
        leaseExpiresAt: T0 + 5 + LEASE_MS,
      });
    });

    it('claims the run of the instance as it stands (a later run after a restart)', async () => {
      await seed(store, [instanceRecord('r')], T0);
      await store.transaction(async (tx) => {
        await tx.updateInstance(keyOf('r'), { runNumber: 3 });
        await tx.putTasks([taskRecord(keyOf('r'), 'new', T0, { runNumber: 3 })]);
      });
      const [run] = await store.claimDue(claimRequest({ now: T0 }));
      expect(run.instance.runNumber).toBe(3);
      expect(run.lease.runNumber).toBe(3);
    });

    it('never claims a run that is not runnable (paused: no due time)', async () => {
      await seed(store, [instanceRecord('held')], T0);
      await store.transaction((tx) => tx.putTasks([taskRecord(keyOf('held'), 'resume', null)]));
      expect(await store.claimDue(claimRequest({ now: T0 + 365 * 86_400_000 }))).toEqual([]);
    });
  });

  describe('leases', () => {
    it('a held lease keeps every other claim away until it expires; then the run is taken over, and not as its first claim', async () => {
      const first = await claimed(store, 'a', { now: T0, owner: 'runner-a', leaseMs: LEASE_MS });
      expect(await store.claimDue(claimRequest({ now: T0 + LEASE_MS - 1, owner: 'runner-b' }))).toEqual([]);
      const [takeover] = await store.claimDue(claimRequest({ now: T0 + LEASE_MS, owner: 'runner-b' }));
      expect(takeover.instance.instanceId).toBe('a');
      expect(takeover.firstClaim).toBe(false);
      expect(takeover.takenOver).toBe(true);
      expect(takeover.lease.token).not.toBe(first.lease.token);
      // Started by the first claim; the takeover does not move that.
      expect(takeover.instance.startedAt).toBe(T0);
      expect(takeover.instance.updatedAt).toBe(T0 + LEASE_MS);
      expect((await readRows(store, keyOf('a'))).task).toMatchObject({ leaseOwner: 'runner-b', leaseToken: takeover.lease.token });
    });

    it('an expired lease claimed again by its own owner is no takeover', async () => {
      await claimed(store, 'a', { now: T0, owner: 'runner-a', leaseMs: LEASE_MS });
      const [again] = await store.claimDue(claimRequest({ now: T0 + LEASE_MS, owner: 'runner-a' }));
      expect([again.instance.instanceId, again.takenOver]).toEqual(['a', false]);
    });

    it('the lease taken over fences out its former holder: nothing it writes lands', async () => {
      const first = await claimed(store, 'a', { now: T0, leaseMs: LEASE_MS });
      const [takeover] = await store.claimDue(claimRequest({ now: T0 + LEASE_MS }));
      expect(await store.saveProgress(first.lease, [stepRecord(keyOf('a'), 'late', 1)], [])).toBeNull();
      expect(await store.transaction((tx) => tx.fenceLease(first.lease, T0 + 2 * LEASE_MS))).toBeNull();
      expect(await store.loadSteps(keyOf('a'), 1)).toEqual([]);
      expect(await store.transaction((tx) => tx.fenceLease(takeover.lease, T0 + 2 * LEASE_MS))).toEqual({ pauseRequested: false });
    });

    it('fenceLease extends a held lease (the run is due again only when the new expiry passes) and reports a pause request', async () => {
      const { lease } = await claimed(store, 'a', { now: T0, leaseMs: LEASE_MS });
      expect(await store.transaction((tx) => tx.fenceLease(lease, T0 + 50_000))).toEqual({ pauseRequested: false });
      expect((await readRows(store, keyOf('a'))).task).toMatchObject({ dueAt: T0 + 50_000, leaseExpiresAt: T0 + 50_000, leaseToken: lease.token });
      expect(await store.claimDue(claimRequest({ now: T0 + LEASE_MS + 1 }))).toEqual([]);

      const { task } = await readRows(store, keyOf('a'));
      await store.transaction((tx) => tx.putTasks([{ ...task!, pauseRequested: true }]));
      expect(await store.transaction((tx) => tx.fenceLease(lease, T0 + 60_000))).toEqual({ pauseRequested: true });
      expect(ids(await store.claimDue(claimRequest({ now: T0 + 60_000 })))).toEqual(['a']);
    });

    it('fenceLease refuses another token, another run number, and a run whose queue row is gone, changing nothing', async () => {
      const { lease } = await claimed(store, 'a', { now: T0, leaseMs: LEASE_MS });
      const before = await readRows(store, keyOf('a'));
      expect(await store.transaction((tx) => tx.fenceLease({ ...lease, token: 'forged' }, T0 + 99_000))).toBeNull();
      expect(await store.transaction((tx) => tx.fenceLease({ ...lease, runNumber: 2 }, T0 + 99_000))).toBeNull();
      expect(await readRows(store, keyOf('a'))).toEqual(before);
      await store.transaction((tx) => tx.deleteTask(keyOf('a')));
      expect(await store.transaction((tx) => tx.fenceLease(lease, T0 + 99_000))).toBeNull();
    });

    it('a restart (a new queue row for the next run) fences out the lease of the old run', async () => {
      const { lease } = await claimed(store, 'a', { now: T0 });
      await store.transaction(async (tx) => {
        await tx.updateInstance(keyOf('a'), { runNumber: 2, status: 'queued' });
        await tx.putTasks([taskRecord(keyOf('a'), 'new', T0 + 1, { runNumber: 2 })]);
      });
      expect(await store.transaction((tx) => tx.fenceLease(lease, T0 + 99_000))).toBeNull();
      expect(await store.saveProgress(lease, [stepRecord(keyOf('a'), 'stale', 1)], [])).toBeNull();
      const [next] = await store.claimDue(claimRequest({ now: T0 + 1 }));
      expect(next.lease.runNumber).toBe(2);
    });

    it('lockInstance reads the instance and its queue row, and nothing for an unknown one', async () => {
      await seed(store, [instanceRecord('a')], T0 + 7);
      expect(await readRows(store, keyOf('a'))).toEqual({ instance: instanceRecord('a'), task: taskRecord(keyOf('a'), 'new', T0 + 7) });
      expect(await readRows(store, keyOf('missing'))).toEqual({ instance: null, task: null });
      await store.transaction((tx) => tx.deleteTask(keyOf('a')));
      expect(await readRows(store, keyOf('a'))).toEqual({ instance: instanceRecord('a'), task: null });
    });
  });
});

describe.each(TEST_DATABASES.filter((kind) => kind === 'postgres'))('store claims with row locks on %s', (kind) => {
  let store: WorkflowStore;

  beforeEach(async () => {
    store = await emptyTestStore(kind);
  });

  it('skips a due run whose rows another transaction holds, instead of waiting for it', async () => {
    await seed(store, [instanceRecord('locked')], T0);
    await seed(store, [instanceRecord('free')], T0 + 1);
    const locked = deferred();
    const release = deferred();
    const holding = store.transaction(async (tx) => {
      await tx.lockInstance(keyOf('locked'));
      locked.resolve();
      await release.promise;
    });
    try {
      await locked.promise;
      const claims = await store.claimDue(claimRequest({ now: T0 + 10 }));
      expect(claims.map((c) => c.instance.instanceId)).toEqual(['free']);
    } finally {
      release.resolve();
      await holding;
    }
    expect((await store.claimDue(claimRequest({ now: T0 + 10 }))).map((c) => c.instance.instanceId)).toEqual(['locked']);
  });
});
