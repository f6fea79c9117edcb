/**
 * Runs async work one piece at a time. SQLite through TypeORM has a single connection, so two
 * interleaved transactions would share it; every SQLite access goes through one of these.
 */
export class AsyncMutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
