/**
 * The store's lock order, under contention, straight against each adapter: transactions that
 * take the same rows never wait for each other in a circle. On PostgreSQL a deadlock would be
 * detected and the loser retried after about a second, so the answers alone would not show it:
 * the database's own deadlock count does.
 */
import { deferred } from '../support/async';
import { createTestStore, TEST_DATABASES } from '../support/databases';
import { deadlocksIn } from '../support/action-races';
import { claimed, instanceRecord, keyOf, stepRecord, T0, taskRecord } from '../support/store-records';

const RUNS = 12;
const ROUNDS = 10;

describe.each(TEST_DATABASES)('store lock order on %s', (kind) => {
  it('runs suspending on the same instance at once mark it awaited without a deadlock', async () => {
    const { store, database } = await createTestStore(kind, RUNS);
    const child = keyOf('child');
    try {
      await store.transaction(async (tx) => {
        await tx.insertInstances([instanceRecord('child')]);
        await tx.putTasks([taskRecord(child, 'new', T0)]);
      });
      for (let round = 0; round < ROUNDS; round++) {
        // Unmarked again, so that every round's waiters race to be the first to mark it.
        await store.connection.statement().run(`UPDATE workflow_task SET awaited = ${kind === 'postgres' ? 'false' : '0'}`);
        const answers = await Promise.all(Array.from({ length: RUNS }, () => store.transaction((tx) => tx.awaitInstances([child]))));
        expect(answers).toEqual(Array.from({ length: RUNS }, () => true));
      }
      const [task] = await store.connection.statement().rows<{ awaited: unknown }>(`SELECT awaited FROM workflow_task`);
      expect(Boolean(task.awaited)).toBe(true);
    } finally {
      await store.close();
      // Counted once the store's connections are gone, before the database is.
      const deadlocks = kind === 'postgres' ? await deadlocksIn(database) : 0;
      await database.drop();
      expect(deadlocks).toBe(0);
    }
  });
});

/** SQLite has one writer at a time by design: there, every transaction waits for the one open. */
const describeOnPostgres = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

describeOnPostgres('store lock order on postgres, for an instance already awaited', () => {
  it("a run suspending on it again does not hold up the instance's own step commits", async () => {
    const { store, database } = await createTestStore('postgres', 4);
    try {
      const child = await claimed(store, 'child');
      await store.transaction((tx) => tx.awaitInstances([keyOf('child')]));
      // A second run suspends on it and keeps its transaction open meanwhile.
      const locked = deferred<void>();
      const release = deferred<void>();
      const suspending = store.transaction(async (tx) => {
        await tx.awaitInstances([keyOf('child')]);
        locked.resolve();
        await release.promise;
      });
      await locked.promise;
      // The child's runner commits a step while that transaction is open: it shares the lock.
      const committed = store.saveProgress(child.lease, [stepRecord(keyOf('child'), 'one', 1)], []).then(() => 'committed');
      const outcome = await Promise.race([committed, new Promise((resolve) => setTimeout(() => resolve('still waiting after 2 s'), 2_000))]);
      release.resolve();
      await suspending;
      expect(outcome).toBe('committed');
      await committed;
    } finally {
      await store.close();
      await database.drop();
    }
  });
});
