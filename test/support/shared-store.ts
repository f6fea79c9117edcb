import type { SqlWorkflowStore } from '../../src/persistence/sql-workflow-store';
import { createTestStore, type DatabaseKind } from './databases';

/** In the order the engine locks them (queue row, instance, then the rest), so emptying never deadlocks. */
const TABLES = ['workflow_task', 'workflow_instance', 'workflow_step', 'workflow_event', 'workflow_log'];

/**
 * One database per test file and kind, emptied each time a test asks for it: creating a
 * PostgreSQL database costs far more than emptying five tables. Closed and dropped after the file.
 */
const sharedStores = new Map<DatabaseKind, ReturnType<typeof createTestStore>>();

afterAll(async () => {
  const stores = [...sharedStores.values()];
  sharedStores.clear();
  for (const store of stores) await (await store).dispose();
});

/** The file's store on `kind`, with no instances, steps, events or logs (settings are kept). */
export async function emptyTestStore(kind: DatabaseKind): Promise<SqlWorkflowStore> {
  if (!sharedStores.has(kind)) sharedStores.set(kind, createTestStore(kind));
  const { store } = await sharedStores.get(kind)!;
  const sql = store.connection.statement();
  if (kind === 'postgres') await sql.run(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
  else for (const table of TABLES) await sql.run(`DELETE FROM ${table}`);
  return store;
}

/** The database the file's store on `kind` is open on (for a second store, as another process would open it). */
export async function sharedTestDatabase(kind: DatabaseKind) {
  if (!sharedStores.has(kind)) sharedStores.set(kind, createTestStore(kind));
  return (await sharedStores.get(kind)!).database;
}
