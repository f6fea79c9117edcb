/**
 * Retention on a real SQLite file and a real PostgreSQL database: which finished instances a
 * purge deletes (by the module's period and each workflow's own), in batches, told to telemetry,
 * with replicas purging at once and claims going on meanwhile. Time only moves with the
 * ManualClock; the runner only with `tick`.
 */
import { createEngine } from '../../src/engine/create-engine';
import { defineWorkflow } from '../../src/engine/definition/define-workflow';
import type { WorkflowRegistry, WorkflowSource } from '../../src/engine/definition/registry';
import { Workflow, WorkflowEntrypoint } from '../../src/engine/definition/workflow-entrypoint';
import { type EngineTelemetry, noTelemetry } from '../../src/engine/ports/telemetry';
import type { RetentionOptions } from '../../src/engine/retention/retention-purge';
import { openWorkflowStore } from '../../src/persistence/open-workflow-store';
import type { SqlStoreTransaction } from '../../src/persistence/sql-store-transaction';
import type { SqlWorkflowStore } from '../../src/persistence/sql-workflow-store';
import { deferred } from '../support/async';
import { TEST_DATABASES } from '../support/databases';
import { NO_ROWS, rowCounts } from '../support/instance-rows';
import { sharedTestDatabase } from '../support/shared-store';
import { createTestEngine, type TestEngine } from '../support/test-engine';
import { DAY } from '../support/time';

/** Finishes at once: complete, or errored when asked. */
const finishing = (name: string, retention?: string) =>
  defineWorkflow<{ fail?: boolean }>({ name, ...(retention ? { retention: retention as never } : {}) }, async (event, step) => {
    await step.do('only', async () => 'done');
    step.log.info('done');
    if (event.payload.fail) throw new Error('boom');
    return 'ok';
  });

/** Never finishes by itself: waits for an event a year away. */
const waiting = defineWorkflow({ name: 'lingering' }, async (_event, step) => {
  await step.waitForEvent('w', { type: 'never', timeout: '365 days' });
});

const WORKFLOWS = [finishing('plain'), finishing('weekly', '7 days'), finishing('kept', 'forever'), waiting];

describe.each(TEST_DATABASES)('retention on %s', (kind) => {
  let t: TestEngine;
  let purged: { workflowName: string; count: number }[];

  async function engine(retention: RetentionOptions, workflows: WorkflowSource[] = WORKFLOWS) {
    purged = [];
    const telemetry: EngineTelemetry = { ...noTelemetry, instancesPurged: (purge) => purged.push(purge) };
    t = await createTestEngine(kind, workflows, { retention, telemetry });
    return t;
  }

  /** Creates instances and runs them to their end (or their wait). */
  async function run(workflowName: string, ids: string[], params: object = {}) {
    await t.client.createBatch(workflowName, ids.map((id) => ({ id, params })));
    await t.runUntilIdle({ maxInstances: 100 });
  }

  const ids = async (workflowName: string) => (await t.client.list(workflowName, { pageSize: 100 })).instances.map((i) => i.id).sort();

  it('deletes only finished instances whose period has passed since they finished, each workflow by its own period', async () => {
    await engine({ period: '30 days' });
    await run('plain', ['old-complete']);
    await run('plain', ['old-errored'], { fail: true });
    await t.client.create('plain', { id: 'old-terminated' });
    await t.client.terminate('plain', 'old-terminated');
    await run('lingering', ['never-finishes']);
    await t.client.create('plain', { id: 'old-queued' });
    await t.client.pause('plain', 'old-queued');
    await run('kept', ['kept-forever']);
    await run('weekly', ['weekly-old']);
    await t.clock.advance(10 * DAY);
    await run('plain', ['recent']);
    await run('weekly', ['weekly-recent']);
    // Terminated 10 days after creation: its period counts from then.
    await t.client.create('lingering', { id: 'terminated-later' });
    await t.client.terminate('lingering', 'terminated-later');
    await t.clock.advance(20 * DAY + 1);

    const before = await rowCounts(t.store, { workflowName: 'plain', instanceId: 'old-complete' });
    expect(before.workflow_step).toBe(1);
    expect(before.workflow_log).toBeGreaterThan(1);
    const round = await t.retention.purgeExpired();

    expect(await ids('plain')).toEqual(['old-queued', 'recent']);
    expect(await ids('weekly')).toEqual([]);
    expect(await ids('kept')).toEqual(['kept-forever']);
    expect(await ids('lingering')).toEqual(['never-finishes', 'terminated-later']);
    expect(Object.fromEntries(round)).toEqual({ plain: 3, weekly: 2 });
    expect(purged).toEqual([
      { workflowName: 'plain', count: 3 },
      { workflowName: 'weekly', count: 2 },
    ]);
    for (const instanceId of ['old-complete', 'old-errored', 'old-terminated']) {
      expect({ instanceId, rows: await rowCounts(t.store, { workflowName: 'plain', instanceId }) }).toEqual({ instanceId, rows: NO_ROWS });
    }
    // What is left is whole, and a second round finds nothing more.
    expect((await t.client.history('plain', 'recent')).steps).toHaveLength(1);
    expect(Object.fromEntries(await t.retention.purgeExpired())).toEqual({});

    // Ten more days: the terminated one's 30 days have passed too.
    await t.clock.advance(10 * DAY);
    expect(Object.fromEntries(await t.retention.purgeExpired())).toEqual({ plain: 1, lingering: 1 });
    expect(await ids('lingering')).toEqual(['never-finishes']);
  });

  it('without a module period only workflows with their own are purged; "forever" and no period keep everything', async () => {
    await engine({});
    expect([...t.retention.periods()]).toEqual([['weekly', 7 * DAY]]);
    await run('plain', ['p']);
    await run('weekly', ['w']);
    await run('kept', ['k']);
    await t.clock.advance(400 * DAY);
    expect(Object.fromEntries(await t.retention.purgeExpired())).toEqual({ weekly: 1 });
    expect([await ids('plain'), await ids('weekly'), await ids('kept')]).toEqual([['p'], [], ['k']]);

    const none = await engine({}, [finishing('plain'), finishing('kept', 'forever')]);
    expect(none.retention.enabled).toBe(false);
    expect(Object.fromEntries(await none.retention.purgeExpired())).toEqual({});
  });

  it('purges in batches of batchSize, one transaction each, until a batch comes back short', async () => {
    await engine({ period: '1 day', batchSize: 4 });
    const many = Array.from({ length: 11 }, (_, i) => `m-${String(i).padStart(2, '0')}`);
    await run('plain', many);
    await run('weekly', ['other-workflow']);
    await t.clock.advance(2 * DAY);
    await run('plain', ['young']);
    let pauses = 0;
    const round = await t.retention.purgeExpired({ betweenBatches: async () => void pauses++ });
    expect(purged).toEqual([4, 4, 3].map((count) => ({ workflowName: 'plain', count })));
    expect(pauses).toBe(2);
    expect(round.get('plain')).toBe(11);
    expect(await ids('plain')).toEqual(['young']);
    expect(await ids('weekly')).toEqual(['other-workflow']);
  });

  it('stops between batches when told to (shutdown)', async () => {
    await engine({ period: '1 day', batchSize: 2 });
    await run('plain', ['a', 'b', 'c', 'd', 'e']);
    await t.clock.advance(2 * DAY);
    let pauses = 0;
    // Asked to stop during the first pause: the one batch before it went, nothing after it.
    await t.retention.purgeExpired({ stopped: () => pauses >= 1, betweenBatches: async () => void pauses++ });
    expect([pauses, purged]).toEqual([1, [{ workflowName: 'plain', count: 2 }]]);
    expect((await ids('plain')).length).toBe(3);
  });

  it('two purgers at once (replicas) delete each expired instance once, between them, without failing', async () => {
    await engine({ period: '1 day', batchSize: 5 });
    const expired = Array.from({ length: 40 }, (_, i) => `e-${i}`);
    await run('plain', expired);
    await t.clock.advance(2 * DAY);
    // Another process: its own store on the same database (SQLite: the same file, one process).
    const otherStore = kind === 'postgres' ? await openWorkflowStore({ url: (await sharedTestDatabase(kind)).url }) : t.store;
    try {
      const other = createEngine({ store: otherStore, workflows: WORKFLOWS, clock: t.clock, retention: { period: '1 day', batchSize: 5 } });
      const rounds = await Promise.all([t.retention.purgeExpired(), other.retention.purgeExpired(), t.retention.purgeExpired()]);
      expect(rounds.reduce((sum, round) => sum + (round.get('plain') ?? 0), 0)).toBe(40);
      expect(await ids('plain')).toEqual([]);
    } finally {
      if (otherStore !== t.store) await otherStore.close();
    }
  });

  it('a purge batch holding its instances does not hold up claims, and a second purger passes over them', async () => {
    await engine({ period: '1 day', batchSize: 3 });
    await run('plain', ['f-1', 'f-2', 'f-3', 'f-4', 'f-5']);
    await t.clock.advance(2 * DAY);
    await t.client.create('plain', { id: 'new-work' });
    const store = t.store as SqlWorkflowStore;
    const holding = deferred();
    const release = deferred();
    const query = { workflowName: 'plain', statuses: ['complete', 'errored', 'terminated'] as const, completedBefore: t.clock.now() - DAY, limit: 3 };
    const held = store.transaction(async (tx) => {
      const locked = await (tx as SqlStoreTransaction).lockPurgeable(query);
      holding.resolve();
      await release.promise;
      return locked;
    });
    if (kind === 'postgres') {
      await holding.promise;
      // Claims go on while the batch holds its rows; another purger takes what is left.
      expect(await t.client.tick()).toMatchObject({ processed: 1 });
      expect(await store.purgeFinished(query)).toBe(2);
      release.resolve();
      // The held batch only locked its three (this one deletes nothing): they are all that is left.
      const locked = await held;
      expect(locked).toHaveLength(3);
      expect(await ids('plain')).toEqual([...locked, 'new-work'].sort());
    } else {
      // One connection: everything else waits its turn, briefly.
      release.resolve();
      await held;
      expect(await t.client.tick()).toMatchObject({ processed: 1 });
    }
    expect((await t.client.get('plain', 'new-work')).details.status).toBe('complete');
  });

  it('refuses a retention setting that is not a period or "forever"', async () => {
    const { store } = await createTestEngine(kind, []);
    const make = (retention: RetentionOptions, workflows = [finishing('plain')]) => () => createEngine({ store, workflows, retention });
    expect(make({ period: 'soon' as never })).toThrow(/retention\.period: Invalid duration "soon".*"forever"/);
    expect(make({ period: 0 })).toThrow(/retention\.period: Duration 0 is out of range/);
    expect(make({ period: '30 days', batchSize: 0 })).toThrow(/batchSize/);
    expect(make({}, [finishing('bad', 'a while')])).toThrow(/Workflow "bad": retention: Invalid duration "a while"/);
    expect(make({ period: 'forever' })().retention.enabled).toBe(false);
  });

  it('a @Workflow class sets its retention in the decorator', async () => {
    @Workflow({ name: 'decorated', retention: '2 days' })
    class Decorated extends WorkflowEntrypoint {
      async run() {
        return 'ok';
      }
    }
    const e = await engine({ period: '30 days' }, [Decorated, finishing('plain')]);
    expect(Object.fromEntries(e.retention.periods())).toEqual({ decorated: 2 * DAY, plain: 30 * DAY });
    const registry: WorkflowRegistry = e.registry;
    expect(registry.get('decorated')?.retention).toBe('2 days');
  });
});
