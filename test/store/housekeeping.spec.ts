/**
 * The store port's upkeep and what processes on one database share, straight against each
 * adapter: queue statistics, shared settings, the database clock, and runnable signals.
 */
import type { WorkflowStore } from '../../src/engine/ports/store';
import { openWorkflowStore } from '../../src/persistence/open-workflow-store';
import { delay, eventually, flush } from '../support/async';
import { createTestStore, TEST_DATABASES } from '../support/databases';
import { emptyTestStore, sharedTestDatabase } from '../support/shared-store';
import { instanceRecord, keyOf, T0, taskRecord, waitStep } from '../support/store-records';

describe.each(TEST_DATABASES)('store housekeeping on %s', (kind) => {
  it('keeps the queue table analyzed where autovacuum does not (PostgreSQL), and is harmless elsewhere', async () => {
    const { store, dispose } = await createTestStore(kind);
    try {
      await store.housekeeping();
      if (kind === 'sqlite') return;
      const [{ autovacuum }] = await store.connection.statement().rows(`SELECT current_setting('autovacuum') AS autovacuum`);
      // The statistics collector may take a moment to show the ANALYZE.
      let analyzed = false;
      for (let i = 0; i < 50 && !analyzed; i++) {
        const [row] = await store.connection.statement().rows<{ analyzed: boolean }>(`SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'workflow_task'`);
        analyzed = row.analyzed;
        if (!analyzed) await delay(20);
      }
      expect(analyzed).toBe(autovacuum === 'off');
    } finally {
      await dispose();
    }
  });
});

describe.each(TEST_DATABASES)('store shared settings and clock on %s', (kind) => {
  let store: WorkflowStore;

  beforeEach(async () => {
    store = await emptyTestStore(kind);
  });

  it('sharedSetting stores the value of the first call and answers it ever after', async () => {
    expect(await store.sharedSetting('first-wins', () => 'first')).toBe('first');
    expect(await store.sharedSetting('first-wins', () => 'second')).toBe('first');
    expect(await store.sharedSetting('another-name', () => 'other')).toBe('other');
    expect(await store.sharedSetting('first-wins', () => 'third')).toBe('first');
  });

  it('sharedSetting makes a value only when none is stored yet', async () => {
    let made = 0;
    const make = () => `made-${++made}`;
    expect(await store.sharedSetting('lazy', make)).toBe('made-1');
    expect(await store.sharedSetting('lazy', make)).toBe('made-1');
    expect(made).toBe(1);
  });

  it('sharedSetting called concurrently for a new name gives every caller the same value', async () => {
    const values = await Promise.all(['a', 'b', 'c', 'd', 'e'].map((candidate) => store.sharedSetting('raced', () => `value-${candidate}`)));
    expect(new Set(values).size).toBe(1);
    expect(values[0]).toMatch(/^value-[a-e]$/);
    expect(await store.sharedSetting('raced', () => 'late')).toBe(values[0]);
  });

  it('sharedSetting keeps a value across emptying the run tables', async () => {
    await store.sharedSetting('kept', () => 'kept-value');
    const emptied = await emptyTestStore(kind);
    expect(await emptied.sharedSetting('kept', () => 'new-value')).toBe('kept-value');
  });

  it('databaseNow is the database server clock in whole milliseconds, close to this machine\'s', async () => {
    const before = Date.now();
    const now = await store.databaseNow();
    const after = Date.now();
    expect(Number.isInteger(now)).toBe(true);
    // The server runs on this machine: the two clocks agree to well within a second.
    expect(now).toBeGreaterThan(before - 1_000);
    expect(now).toBeLessThan(after + 1_000);
  });
});

describe.each(TEST_DATABASES.filter((kind) => kind === 'postgres'))('store shared between processes on %s', (kind) => {
  let store: WorkflowStore;
  let other: WorkflowStore;

  beforeEach(async () => {
    store = await emptyTestStore(kind);
    // A second store on the same database: what another process opens.
    other = await openWorkflowStore({ url: (await sharedTestDatabase(kind)).url });
  });

  afterEach(async () => {
    await other.close();
  });

  it('sharedSetting answers every store on the database the same value', async () => {
    const mine = await store.sharedSetting('per-database', () => 'made-by-the-first');
    expect(await other.sharedSetting('per-database', () => 'made-by-the-second')).toBe(mine);
  });

  it('a signal from one store reaches another store\'s subscriber once its transaction commits', async () => {
    let heard = 0;
    const problems: string[] = [];
    const stop = await other.subscribeRunnable(
      () => heard++,
      (message) => problems.push(message),
    );
    try {
      // Once connected, the subscriber is told once: a signal may have been missed before.
      const connected = await eventually(async () => heard, (n) => n >= 1, { what: 'the wake-up after connecting' });
      await store.transaction((tx) => tx.signalRunnable());
      const signalled = await eventually(async () => heard, (n) => n > connected, { what: 'the signal of a transaction' });

      // Creating instances signals too.
      await store.createInstances([instanceRecord('new-one')], T0);
      const created = await eventually(async () => heard, (n) => n > signalled, { what: 'the signal of a create' });

      // And so does waking a run that waits for an event.
      await store.createInstances([instanceRecord('waiter')], T0);
      await store.transaction(async (tx) => {
        await tx.saveSteps([waitStep(keyOf('waiter'), 'w', 1, 'go')]);
        await tx.putTasks([taskRecord(keyOf('waiter'), 'resume', T0 + 86_400_000)]);
      });
      const beforeWake = await eventually(async () => heard, (n) => n > created, { what: 'the signal of the second create' });
      expect(await store.transaction((tx) => tx.wakeIfWaitingFor(keyOf('waiter'), 1, 'go', T0 + 5, 'queued'))).toBe(true);
      await eventually(async () => heard, (n) => n > beforeWake, { what: 'the signal of a wake-up' });
      expect(problems).toEqual([]);
    } finally {
      await stop();
    }
  });

  it('the subscriber stops when asked, and the stop is safe to repeat', async () => {
    const stop = await other.subscribeRunnable(
      () => undefined,
      () => undefined,
    );
    await stop();
    await stop();
  });
});

describe.each(TEST_DATABASES.filter((kind) => kind === 'sqlite'))('store signals on a single-process database (%s)', (kind) => {
  it('subscribing hears nothing, since no other process can signal; signalling is a no-op', async () => {
    const store = await emptyTestStore(kind);
    let heard = 0;
    const problems: string[] = [];
    const stop = await store.subscribeRunnable(
      () => heard++,
      (message) => problems.push(message),
    );
    await store.transaction((tx) => tx.signalRunnable());
    await store.createInstances([instanceRecord('a')], T0);
    await flush();
    expect({ heard, problems }).toEqual({ heard: 0, problems: [] });
    await stop();
  });
});
