import type { EventRecord, InstanceKey, InstanceRecord, StepRecord } from '../model';
import { outsideScope } from '../execution-scope';
import type { EventDelivery, LeaseCheck, StoreTransaction, WorkflowStore } from '../ports/store';
import { isDatabaseUnavailable } from '../ports/store-errors';
import type { ExecutionScope } from '../execution-scope';
import { InstanceReads } from './instance-reads';
import { LeaseLostError } from './lease-lost-error';
import type { ProgressWriter } from './progress-writer';

/** What a claim does when its storage fails it. */
export interface ClaimFailures {
  /** The lease is gone or the database stayed away: the claim is given up. */
  abandon(error: unknown): void;
  /** The database refused a write: the run ends. */
  refused(error: unknown): void;
  /** A commit or a lease check came back: a pause may have been asked. */
  checked(check: LeaseCheck): void;
}

/**
 * The storage side of the step host: step commits and the reads steps make, outside the workflow's
 * execution scope, each failure routed to how the claim ends, never thrown into the workflow as
 * its own (see RunExecution).
 */
export class ClaimStorage {
  private deliveries: Promise<unknown> = Promise.resolve();
  private readonly instanceReads: InstanceReads;

  constructor(
    private readonly store: WorkflowStore,
    private readonly writer: ProgressWriter,
    private readonly run: ExecutionScope,
    private readonly failures: ClaimFailures,
  ) {
    this.instanceReads = new InstanceReads((keys) => writer.reading(() => store.findInstances(keys)));
  }

  commit(record?: StepRecord, delivery?: EventDelivery): Promise<void> {
    return this.committing(() => this.writer.commit(record, delivery));
  }

  commitWith(work: (tx: StoreTransaction) => Promise<StepRecord | null>): Promise<void> {
    return this.committing(() =>
      this.writer.commitFenced(async (tx) => {
        const record = await work(tx);
        if (record) await tx.saveSteps([record]);
      }),
    );
  }

  peekEvent(type: string, notAfter: number): Promise<EventRecord | null> {
    return this.reading(() => this.writer.reading(() => this.store.peekEvent(this.run, this.run.runNumber, type, notAfter)));
  }

  findInstance(key: InstanceKey): Promise<InstanceRecord | null> {
    return this.reading(() => this.instanceReads.find(key));
  }

  oneDeliveryAtATime<T>(work: () => Promise<T>): Promise<T> {
    const turn = this.deliveries.then(work);
    this.deliveries = turn.catch(() => undefined);
    return turn;
  }

  /** A step's commit: a lost lease or a database still away gives the claim up; anything else ends the run. */
  private committing(write: () => Promise<LeaseCheck>): Promise<void> {
    return outsideScope(async () => {
      try {
        this.failures.checked(await write());
      } catch (error) {
        if (error instanceof LeaseLostError || isDatabaseUnavailable(error)) this.failures.abandon(error);
        else this.failures.refused(error);
        throw error;
      }
    });
  }

  /** A read a step needs: when it fails, the claim is given up. */
  private reading<T>(read: () => Promise<T>): Promise<T> {
    return outsideScope(async () => {
      try {
        return await read();
      } catch (error) {
        this.failures.abandon(error);
        throw error;
      }
    });
  }
}
