/**
 * The store's lock order, under contention, straight against each adapter: transactions that
 * take the same rows never wait for each other in a circle. On PostgreSQL a deadlock would be
 * detected and the loser retried after about a second, so the answers alone would not show it:
 * the database's own deadlock count does.
 */
import { createTestStore, TEST_DATABASES } from '../support/databases';
import { deadlocksIn } from '../support/action-races';
import { instanceRecord, keyOf, T0, taskRecord } from '../support/store-records';

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
