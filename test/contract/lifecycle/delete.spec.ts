/**
 * Deleting instances through the programmatic client, on a real SQLite file and a real PostgreSQL
 * database: exactly the instance's rows go (every run's steps, events, logs, its queue row), a
 * live instance is refused unless forced, and a runner holding the instance when it is deleted
 * writes nothing afterwards. Time only moves with the ManualClock; the runner only with `tick`.
 */
import { defineWorkflow } from '../../../src/engine/definition/define-workflow';
import type { InstanceKey, InstanceStatus } from '../../../src/engine/model';
import { deferred } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { expectCode } from '../../support/engine-errors';
import { NO_ROWS, rowCounts } from '../../support/instance-rows';
import { lifecycleHarness } from '../../support/lifecycle';
import type { TestEngine } from '../../support/test-engine';

type RowsParams = { fail?: boolean; hold?: boolean };

/**
 * A step (held on `gate` when `hold`), a log line, a wait for a `go` event, then its payload (or
 * a failure when `fail`): every table gets rows.
 */
function rowsWorkflow(name: string) {
  const gate = deferred();
  const entered = deferred();
  const wf = defineWorkflow<RowsParams>({ name }, async (event, step) => {
    await step.do('a', async () => {
      if (event.payload.hold) {
        entered.resolve();
        await gate.promise;
      }
      return 'a';
    });
    step.log.info('after a');
    const got = await step.waitForEvent<string>('w', { type: 'go', timeout: '1 day' });
    if (event.payload.fail) throw new Error('boom');
    return got.payload;
  });
  return { wf, gate, entered };
}

const TERMINAL: InstanceStatus[] = ['complete', 'errored', 'terminated'];

describe.each(TEST_DATABASES)('delete on %s', (kind) => {
  const { setup, releaseAtEnd, track } = lifecycleHarness(kind);

  /** Brings an instance to a finished status with rows in every table (complete: over two runs). */
  async function finish(t: TestEngine, key: InstanceKey, status: InstanceStatus) {
    const { workflowName, instanceId } = key;
    const go = (eventId: string) => t.client.sendEvent(workflowName, instanceId, { type: 'go', payload: 'ok', id: eventId });
    await t.client.create(workflowName, { id: instanceId, params: { fail: status === 'errored' } });
    await t.runUntilIdle();
    if (status === 'terminated') {
      await t.client.sendEvent(workflowName, instanceId, { type: 'unrelated' });
      await t.client.terminate(workflowName, instanceId);
    } else {
      await go('first');
      await t.runUntilIdle();
    }
    if (status === 'complete') {
      await t.client.restart(workflowName, instanceId);
      await t.runUntilIdle();
      await go('second');
      await t.runUntilIdle();
      expect((await t.client.get(workflowName, instanceId)).meta.runNumber).toBe(1);
    }
    expect((await t.client.get(workflowName, instanceId)).details.status).toBe(status);
  }

  describe('a finished instance', () => {
    it.each(TERMINAL)('%s: its rows of every run go, in every table; a neighbour and the same id in another workflow keep all of theirs', async (status) => {
      const t = await setup([rowsWorkflow('rows').wf, rowsWorkflow('other').wf]);
      const target = { workflowName: 'rows', instanceId: 'x' };
      const neighbour = { workflowName: 'rows', instanceId: 'y' };
      const sameIdElsewhere = { workflowName: 'other', instanceId: 'x' };
      for (const key of [target, neighbour, sameIdElsewhere]) await finish(t, key, status);
      const before = await rowCounts(t.store, target);
      expect(before.workflow_step).toBeGreaterThan(0);
      expect(before.workflow_event).toBeGreaterThan(0);
      expect(before.workflow_log).toBeGreaterThan(0);
      const untouched = { neighbour: await rowCounts(t.store, neighbour), sameIdElsewhere: await rowCounts(t.store, sameIdElsewhere) };
      expect(untouched.neighbour).toEqual(before);

      expect(await t.client.delete('rows', 'x')).toEqual({ id: 'x', deleted: true });

      expect(await rowCounts(t.store, target)).toEqual(NO_ROWS);
      expect({ neighbour: await rowCounts(t.store, neighbour), sameIdElsewhere: await rowCounts(t.store, sameIdElsewhere) }).toEqual(untouched);
      await expectCode(t.client.get('rows', 'x'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.delete('rows', 'x'), 'INSTANCE_NOT_FOUND');
      expect((await t.client.list('rows')).instances.map((i) => i.id)).toEqual(['y']);
      // The id is free again: a new instance starts from nothing.
      await t.client.create('rows', { id: 'x' });
      expect((await t.client.history('rows', 'x', { includeLogs: true })).steps).toEqual([]);
    });
  });

  describe('a live instance', () => {
    /** Brings `x` of `rows` to a live status; returns the tick holding it (running), if any. */
    async function live(t: TestEngine, rows: ReturnType<typeof rowsWorkflow>, status: InstanceStatus) {
      let tick: Promise<unknown> | undefined;
      releaseAtEnd(rows.gate);
      await t.client.create('rows', { id: 'x', params: { hold: status === 'running' || status === 'waitingForPause' } });
      if (status === 'waiting') await t.runUntilIdle();
      if (status === 'paused') await t.client.pause('rows', 'x');
      if (status === 'running' || status === 'waitingForPause') {
        tick = track(t.client.tick());
        await rows.entered.promise;
        if (status === 'waitingForPause') await t.client.pause('rows', 'x');
      }
      expect((await t.client.get('rows', 'x')).details.status).toBe(status);
      // Wrapped: an async function returning the tick itself would wait for it.
      return { tick };
    }

    const LIVE: InstanceStatus[] = ['queued', 'waiting', 'running', 'waitingForPause', 'paused'];

    it.each(LIVE)('%s: refused with INSTANCE_NOT_TERMINAL (details.status), nothing changes', async (status) => {
      const rows = rowsWorkflow('rows');
      const t = await setup([rows.wf]);
      await live(t, rows, status);
      const before = { view: await t.client.get('rows', 'x'), rows: await rowCounts(t.store, { workflowName: 'rows', instanceId: 'x' }) };
      const error = await expectCode(t.client.delete('rows', 'x'), 'INSTANCE_NOT_TERMINAL');
      expect(error.details).toEqual({ status });
      await expectCode(t.client.delete('rows', 'x', { force: false }), 'INSTANCE_NOT_TERMINAL');
      expect({ view: await t.client.get('rows', 'x'), rows: await rowCounts(t.store, { workflowName: 'rows', instanceId: 'x' }) }).toEqual(before);
    });

    it.each(LIVE)('%s with force: terminated and deleted in one go; the runner finds nothing to run', async (status) => {
      const rows = rowsWorkflow('rows');
      const t = await setup([rows.wf]);
      const { tick } = await live(t, rows, status);
      expect(await t.client.delete('rows', 'x', { force: true })).toEqual({ id: 'x', deleted: true });
      expect(await rowCounts(t.store, { workflowName: 'rows', instanceId: 'x' })).toEqual(NO_ROWS);
      rows.gate.resolve();
      await tick;
      expect(await t.runUntilIdle()).toBe(0);
      expect(await rowCounts(t.store, { workflowName: 'rows', instanceId: 'x' })).toEqual(NO_ROWS);
    });
  });

  describe('racing a runner', () => {
    it('a runner holding the instance when it is force-deleted writes nothing afterwards, not even into a new instance of the same id', async () => {
      const rows = rowsWorkflow('rows');
      const t = await setup([rows.wf]);
      releaseAtEnd(rows.gate);
      await t.client.create('rows', { id: 'x', params: { hold: true } });
      const tick = track(t.client.tick());
      await rows.entered.promise;
      await t.client.delete('rows', 'x', { force: true });
      // Same workflow, same id, same run number: only the lease token tells the two apart.
      await t.client.create('rows', { id: 'x' });
      const fresh = await rowCounts(t.store, { workflowName: 'rows', instanceId: 'x' });
      expect(fresh).toEqual({ ...NO_ROWS, workflow_instance: 1, workflow_task: 1 });

      // The held step finishes: its result, its log lines and its suspension are all fenced off.
      rows.gate.resolve();
      expect(await tick).toMatchObject({ processed: 1 });
      expect(await rowCounts(t.store, { workflowName: 'rows', instanceId: 'x' })).toEqual(fresh);
      expect((await t.client.get('rows', 'x')).details.status).toBe('queued');

      // The new instance runs as any other.
      await t.runUntilIdle();
      const history = await t.client.history('rows', 'x', { order: 'asc' });
      expect(history.steps.map((s) => [s.name, s.status, s.attempts])).toEqual([
        ['a', 'completed', 1],
        ['w', 'waiting', 0],
      ]);
    });

    it('force-deleting instances while runners advance them leaves no row of any of them behind', async () => {
      const quick = defineWorkflow({ name: 'quick' }, async (_event, step) => {
        const first = await step.do('one', async () => 1);
        step.log.info('between');
        return first + (await step.do('two', async () => 2));
      });
      const t = await setup([quick]);
      const ids = Array.from({ length: 30 }, (_, i) => `r-${i}`);
      await t.client.createBatch('quick', ids.map((id) => ({ id })));
      const deletions = ids.map(async (id, i) => {
        // Spread over the runners' work: some before their claim, some during, some after.
        for (let turn = 0; turn < i % 5; turn++) await new Promise((resolve) => setImmediate(resolve));
        return t.client.delete('quick', id, { force: true });
      });
      const [deleted] = await Promise.all([Promise.all(deletions), t.client.tick({ maxInstances: 10 }), t.client.tick({ maxInstances: 10 }), t.runUntilIdle({ maxInstances: 5 })]);
      expect(deleted).toEqual(ids.map((id) => ({ id, deleted: true })));
      expect(await t.runUntilIdle()).toBe(0);
      for (const id of ids) expect({ id, rows: await rowCounts(t.store, { workflowName: 'quick', instanceId: id }) }).toEqual({ id, rows: NO_ROWS });
    });
  });

  describe('refusals', () => {
    it('unknown instance, unknown workflow, a bad id and a force that is not a boolean', async () => {
      const t = await setup([rowsWorkflow('rows').wf]);
      await expectCode(t.client.delete('rows', 'missing'), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.delete('rows', 'missing', { force: true }), 'INSTANCE_NOT_FOUND');
      await expectCode(t.client.delete('nope', 'x'), 'WORKFLOW_NOT_FOUND');
      await expectCode(t.client.delete('rows', 'bad id'), 'INVALID_INSTANCE_ID');
      await t.client.create('rows', { id: 'x' });
      await expectCode(t.client.delete('rows', 'x', { force: 'yes' as never }), 'VALIDATION_ERROR');
      expect((await t.client.get('rows', 'x')).details.status).toBe('queued');
    });
  });
});
