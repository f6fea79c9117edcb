import type { LogLevel } from '../definition/types';
import type { ErrorInfo } from '../errors';
import type { ExecutionScope } from '../execution-scope';
import type { EngineLimits } from '../limits';
import type { ChildWorkflows } from '../lifecycle/child-workflows';
import type { EventRecord, InstanceKey, InstanceRecord, StepRecord, StepType } from '../model';
import type { EventDelivery, StoreTransaction } from '../ports/store';
import type { RunObservation } from '../ports/telemetry';
import type { BlockedStep, StepLedger } from './step-ledger';

/**
 * What the step API needs from the claim it runs in. The claim (`RunExecution`) implements it;
 * the step API knows nothing else of it.
 */
export interface StepHost {
  readonly ledger: StepLedger;
  readonly limits: EngineLimits;
  /** The run the steps belong to; a step attempt runs in it, with its name and attempt added. */
  readonly scope: ExecutionScope;
  /** What the outside is told of this run's steps (logs, metrics, traces). */
  readonly observation: RunObservation;
  /** Aborts when this claim ends: terminated, restarted, lease lost, shutting down. */
  readonly signal: AbortSignal;
  /** Checks and starts child workflows (step.startWorkflow). */
  readonly children: ChildWorkflows;
  now(): number;
  setTimer(ms: number, callback: () => void): () => void;

  /** A new or updated row for the step, as the ledger keeps it. */
  record(name: string, type: StepType, fields: Partial<StepRecord>): StepRecord;
  /** Keeps a row for the next commit. */
  defer(record: StepRecord): void;
  /** Commits the kept rows, `record` and `delivery`; throws when the claim may write no more. */
  commit(record?: StepRecord, delivery?: EventDelivery): Promise<void>;
  /**
   * Commits the kept rows with `work`'s writes and the step row it returns (none: null), in one
   * transaction fenced by the lease; `work` may run more than once (a lost lock race is retried).
   */
  commitWith(work: (tx: StoreTransaction) => Promise<StepRecord | null>): Promise<void>;
  /** Tells this process's runner that a run became runnable now. */
  wakeRunner(): void;

  /**
   * Whether a step may start new work now: not once the claim is ending, a pause waits for this
   * step boundary, or the step budget is spent. Spends one step of the budget when it may.
   */
  startWork(): boolean;
  /** Marks a step as in progress, and as no longer in progress. */
  begin(name: string): void;
  end(name: string): void;
  /** Parks a step until `dueAt`: the returned promise never settles, the run suspends instead. */
  park(name: string, dueAt: number, on?: Omit<BlockedStep, 'dueAt'>): Promise<never>;
  /** Ends the run with `error`, whatever the workflow code does next. */
  failRun(error: ErrorInfo): void;

  /** Another instance as stored now (null: there is none). */
  findInstance(key: InstanceKey): Promise<InstanceRecord | null>;
  /** The oldest event of `type` this run may consume, stored no later than `notAfter`. */
  peekEvent(type: string, notAfter: number): Promise<EventRecord | null>;
  /** Runs event look-ups one after another, so two waits for one type never pick the same event. */
  oneDeliveryAtATime<T>(work: () => Promise<T>): Promise<T>;

  /** A line from workflow code (`step.log`). */
  log(level: LogLevel, message: unknown, data: unknown, category: unknown): void;
  /** A line the engine writes itself, for a step attempt when given. */
  systemLog(level: LogLevel, message: string, step?: { name: string; attempt: number }): void;
}
