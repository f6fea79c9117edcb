import type { WorkflowSource } from '../../src/engine/definition/registry';
import { createEngine, type EngineOptions } from '../../src/engine/create-engine';
import { ManualClock } from '../../src/engine/testing/manual-clock';
import type { TickOptions } from '../../src/engine/runner/runner';
import type { SqlWorkflowStore } from '../../src/persistence/sql-workflow-store';
import { createTestStore, type DatabaseKind } from './databases';

/** In the order the engine locks them (queue row, instance, then the rest), so emptying never deadlocks. */
const TABLES = ['workflow_task', 'workflow_instance', 'workflow_step', 'workflow_event', 'workflow_log'];

/**
 * One database per test file and kind, emptied before each test that asks for an engine:
 * creating a PostgreSQL database costs far more than emptying five tables.
 */
const sharedStores = new Map<DatabaseKind, ReturnType<typeof createTestStore>>();

afterAll(async () => {
  const stores = [...sharedStores.values()];
  sharedStores.clear();
  for (const store of stores) await (await store).dispose();
});

async function emptyStore(kind: DatabaseKind): Promise<SqlWorkflowStore> {
  if (!sharedStores.has(kind)) sharedStores.set(kind, createTestStore(kind));
  const { store } = await sharedStores.get(kind)!;
  const sql = store.connection.statement();
  if (kind === 'postgres') await sql.run(`TRUNCATE ${TABLES.join(', ')} RESTART IDENTITY`);
  else for (const table of TABLES) await sql.run(`DELETE FROM ${table}`);
  return store;
}

/**
 * An engine on an empty real database with a manual clock: tests move time with
 * `clock.advance` and drive the runner with `tick`, so nothing waits for real.
 */
export async function createTestEngine(kind: DatabaseKind, workflows: WorkflowSource[], options: Partial<EngineOptions> = {}) {
  const store = await emptyStore(kind);
  const clock = new ManualClock();
  const engine = createEngine({ store, workflows, clock, leaseMs: 30_000, ...options });
  const { client } = engine;

  /** Ticks until a tick advances nothing; returns how many instances were processed in all. */
  async function runUntilIdle(tick: TickOptions = {}, maxTicks = 50): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxTicks; i++) {
      const { processed } = await client.tick(tick);
      if (processed === 0) return total;
      total += processed;
    }
    throw new Error(`Still busy after ${maxTicks} ticks`);
  }

  return {
    ...engine,
    store,
    clock,
    runUntilIdle,
    /** The database is shared by the file and emptied by the next test; nothing to release here. */
    dispose: async () => undefined,
  };
}

export type TestEngine = Awaited<ReturnType<typeof createTestEngine>>;
