import { OffsetClock } from '../engine/ports/clock';
import type { WorkflowStore } from '../engine/ports/store';

const RESYNC_MS = 60_000;

/**
 * The engine's clock in a server: the local clock shifted to follow the database server's, so
 * that every process on one PostgreSQL agrees on what is due, whatever their own clocks say.
 */
export class DatabaseClock extends OffsetClock {
  private timer?: NodeJS.Timeout;

  constructor(private readonly store: WorkflowStore) {
    super();
  }

  async start(): Promise<void> {
    await this.sync();
    // A failed resync keeps the last offset; the next one tries again.
    this.timer = setInterval(() => void this.sync().catch(() => undefined), RESYNC_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Estimates the offset from one round trip, assuming the server read its clock halfway. */
  async sync(): Promise<void> {
    const sent = Date.now();
    const databaseNow = await this.store.databaseNow();
    const received = Date.now();
    this.setOffset(databaseNow - (sent + received) / 2);
  }
}
