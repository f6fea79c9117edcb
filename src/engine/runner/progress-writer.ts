import type { InstanceStatus, Lease, NewLogRecord, StepRecord } from '../model';
import type { Clock } from '../ports/clock';
import type { EventDelivery, FinishPatch, FinishResult, LeaseCheck, StoreTransaction, WorkflowStore } from '../ports/store';
import { LeaseLostError } from './lease-lost-error';
import { retryWhileUnavailable } from './retry-while-unavailable';

/** Extra writes of a fenced commit; they may return more log lines to store with it. */
export type FencedWork = (tx: StoreTransaction, check: LeaseCheck) => Promise<NewLogRecord[] | void>;

/**
 * How long past the end of its lease a commit keeps trying while the database is away. Trying is
 * harmless (every commit is fenced by the lease token, which only another claim replaces), and
 * while the database was away for everyone nobody could take the run over: recording the step's
 * result then spares running its side effect again.
 */
const RETRY_PAST_LEASE_MS = 30_000;

/** How long retries may go on. */
type Patience = 'pastLease' | 'withinLease';

/**
 * The one way a claim writes: rows wait in a buffer until the next commit, and every commit is
 * fenced by the lease, so a run that was terminated, restarted or taken over writes nothing more
 * (`LeaseLostError`).
 *
 * While the database is unreachable, a commit is retried with backoff, with the same rows; a step
 * commit that needed retries renews the lease right after, as it may have run out meanwhile. A
 * commit the database refuses (`StoreDataError`) is not retried: it could never succeed.
 */
export class ProgressWriter {
  private pendingSteps = new Map<string, StepRecord>();
  private pendingLogs: NewLogRecord[] = [];
  private closed = false;
  /** When the lease runs out, as far as this process knows: its last extension plus its length. */
  private leaseExpiresAt: number;

  constructor(
    private readonly store: WorkflowStore,
    private readonly clock: Clock,
    private readonly lease: Lease,
    private readonly leaseMs: number,
  ) {
    this.leaseExpiresAt = clock.now() + leaseMs;
  }

  /** Keeps a step row for the next commit. */
  defer(record: StepRecord): void {
    this.pendingSteps.set(record.name, record);
  }

  /** Keeps a log line for the next commit. */
  log(record: NewLogRecord): void {
    this.pendingLogs.push(record);
  }

  /** From now on nothing is written: this claim is over. */
  close(): void {
    this.closed = true;
  }

  /** The buffered rows, `record` and `delivery`'s event consumption; does not extend the lease. */
  async commit(record?: StepRecord, delivery?: EventDelivery): Promise<LeaseCheck> {
    if (record) this.defer(record);
    const retries = { count: 0 };
    const check = await this.write((steps, logs) => this.store.saveProgress(this.lease, steps, logs, delivery), 'pastLease', retries);
    return retries.count > 0 ? this.renew('pastLease') : check;
  }

  /**
   * The buffered rows and `work`'s writes in one transaction that also extends the lease;
   * `beforeFence` runs in it first, for locks that must be taken before the run's own.
   */
  commitFenced(work: FencedWork, patience: Patience = 'pastLease', beforeFence?: (tx: StoreTransaction) => Promise<void>): Promise<LeaseCheck> {
    return this.write(
      (steps, logs) =>
        this.extending(async (tx, check) => {
          const more = (await work(tx, check)) ?? [];
          await tx.saveSteps(steps);
          await tx.insertLogs([...logs, ...more]);
        }, beforeFence),
      patience,
    );
  }

  /** Extends the lease and nothing else: buffered rows wait for the next real commit. */
  async renew(patience: Patience = 'withinLease'): Promise<LeaseCheck> {
    if (this.closed) throw new LeaseLostError(this.lease);
    const check = await this.retrying(() => this.extending(async () => undefined), patience);
    if (!check) throw new LeaseLostError(this.lease);
    return check;
  }

  /** True once the lease has run out as far as this process knows: another claim may take the run. */
  get leaseRanOut(): boolean {
    return this.clock.now() >= this.leaseExpiresAt;
  }

  /** Ends the run with `patch` and the buffered rows; runs waiting for it take `wokenStatus`. Says whether any woke. */
  async finish(patch: FinishPatch, wokenStatus: InstanceStatus): Promise<boolean> {
    const result = await this.write(async (steps, logs): Promise<FinishResult | null> => {
      const finished = await this.store.finishRun(this.lease, patch, steps, logs, wokenStatus);
      return finished.held ? finished : null;
    }, 'pastLease');
    return result.woke;
  }

  /** Forgets the buffered rows (they were refused by the database). */
  discardPending(): void {
    this.pendingSteps = new Map();
    this.pendingLogs = [];
  }

  /** Runs a read the claim needs again while the database is unavailable and the lease may hold. */
  reading<T>(attempt: () => Promise<T>): Promise<T> {
    return this.retrying(attempt, 'withinLease');
  }

  /**
   * One transaction that extends the lease and does `work`; null when the lease was lost. The
   * new expiry counts once the transaction committed (it may be rolled back and run again).
   */
  private async extending(
    work: (tx: StoreTransaction, check: LeaseCheck) => Promise<void>,
    beforeFence?: (tx: StoreTransaction) => Promise<void>,
  ): Promise<LeaseCheck | null> {
    const expiresAt = this.clock.now() + this.leaseMs;
    const check = await this.store.transaction(async (tx) => {
      await beforeFence?.(tx);
      const held = await tx.fenceLease(this.lease, expiresAt);
      if (held) await work(tx, held);
      return held;
    });
    if (check) this.leaseExpiresAt = expiresAt;
    return check;
  }

  /** Hands the buffered rows to `persist`; null from it means the lease was lost. */
  private async write<T>(
    persist: (steps: StepRecord[], logs: NewLogRecord[]) => Promise<T | null>,
    patience: Patience,
    retries?: { count: number },
  ): Promise<T> {
    if (this.closed) throw new LeaseLostError(this.lease);
    const steps = [...this.pendingSteps.values()];
    const logs = this.pendingLogs;
    this.discardPending();
    const result = await this.retrying(() => persist(steps, logs), patience, retries);
    if (result === null) throw new LeaseLostError(this.lease);
    return result;
  }

  private retrying<T>(attempt: () => Promise<T>, patience: Patience, retries?: { count: number }): Promise<T> {
    const deadline = () => this.leaseExpiresAt + (patience === 'pastLease' ? RETRY_PAST_LEASE_MS : 0);
    return retryWhileUnavailable(this.clock, deadline, attempt, retries);
  }
}
