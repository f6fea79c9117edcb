import type { WorkflowSource } from '../../src/engine/definition/registry';
import { createEngine, type EngineOptions } from '../../src/engine/create-engine';
import { ManualClock } from '../../src/engine/testing/manual-clock';
import type { TickOptions } from '../../src/engine/runner/runner';
import type { DatabaseKind } from './databases';
import { emptyTestStore } from './shared-store';

/**
 * An engine on an empty real database with a manual clock: tests move time with
 * `clock.advance` and drive the runner with `tick`, so nothing waits for real.
 */
export async function createTestEngine(kind: DatabaseKind, workflows: WorkflowSource[], options: Partial<EngineOptions> = {}) {
  const store = await emptyTestStore(kind);
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
