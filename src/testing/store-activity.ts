import { flushPromises } from '../engine/testing/manual-clock';

/**
 * Turns of the event loop with no database call started or finished, and none in flight, after
 * which the engine counts as settled. More than one: the engine defers some work by one turn
 * (a run suspends on the turn after its last step parks), and that work may defer again.
 */
const QUIET_TURNS = 5;

/**
 * Watches the store's calls, so the test engine knows when the engine has stopped moving: every
 * state change goes through the store, so a store with nothing in flight for a few turns means
 * the runs have done what they could without time passing. What is left running then (a step
 * callback awaiting a promise nothing resolves, or a timer) waits for the clock or for the test.
 */
export class StoreActivity {
  private inFlight = 0;
  private changes = 0;

  /** The store, its every asynchronous call counted. */
  watch<Store extends object>(store: Store): Store {
    return new Proxy(store, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => this.counted(value.apply(target, args));
      },
    });
  }

  /** Resolves once no store call is in flight and none has started or ended for a few turns. */
  async settled(): Promise<void> {
    for (let quiet = 0; quiet < QUIET_TURNS; ) {
      const before = this.changes;
      await flushPromises();
      quiet = this.inFlight === 0 && this.changes === before ? quiet + 1 : 0;
    }
  }

  private counted(result: unknown): unknown {
    if (!(result instanceof Promise)) return result;
    this.inFlight++;
    this.changes++;
    const done = () => {
      this.inFlight--;
      this.changes++;
    };
    result.then(done, done);
    return result;
  }
}
