import type { LogLevel } from '../definition/types';
import type {
  EventRecord,
  InstanceKey,
  InstanceRecord,
  InstanceStatus,
  Lease,
  LogRecord,
  NewEventRecord,
  NewLogRecord,
  ParentClosePolicy,
  StepRecord,
  TaskRecord,
} from '../model';

/** A `waitForEvent` consuming an event, in the same write as its step row; throws if already delivered. */
export interface EventDelivery {
  event: EventRecord;
  stepName: string;
  at: number;
}

/** What a runner learns when it checks its lease. */
export interface LeaseCheck {
  /** A pause was asked for: stop at this step boundary. */
  pauseRequested: boolean;
}

/** How finishing a run went: `held` false when the lease was lost (nothing written). */
export interface FinishResult {
  held: boolean;
  /** Runs that waited for this instance (step.waitForWorkflow) became runnable now. */
  woke: boolean;
}

/** What finishing a run writes to its instance. */
export type FinishPatch = Required<Pick<InstancePatch, 'status' | 'output' | 'error' | 'completedAt' | 'updatedAt'>>;

/** What may change after creation: not the key, the creation time or the creator's trace. */
export type InstancePatch = Partial<Omit<InstanceRecord, 'workflowName' | 'instanceId' | 'createdAt' | 'traceParent'>>;

/** A keyset page request: rows strictly after `after` in the given order. */
export interface PageQuery<K> {
  limit: number;
  order: 'asc' | 'desc';
  after?: K;
}

export interface InstanceListQuery extends PageQuery<{ createdAt: number; instanceId: string }> {
  workflowName: string;
  status?: InstanceStatus;
}

export interface RunStreamQuery<K> extends PageQuery<K> {
  key: InstanceKey;
  runNumber: number;
}

export interface LogQuery extends RunStreamQuery<number> {
  /** Only these levels. */
  levels?: LogLevel[];
  category?: string;
}

/** One batch of retention: which finished instances of one workflow may go. */
export interface PurgeQuery {
  workflowName: string;
  /** The statuses a finished instance has (the engine's terminal statuses). */
  statuses: readonly InstanceStatus[];
  /** Only instances that finished strictly before this time. */
  completedBefore: number;
  /** At most this many instances, oldest finished first. */
  limit: number;
}

export interface ClaimRequest {
  now: number;
  limit: number;
  owner: string;
  leaseMs: number;
  /** Only runs of these workflows: a process never claims work it has no code for. */
  workflowNames: string[];
  newToken: () => string;
  /** What a claimed instance becomes: one status for a run, another for one whose pause was asked. */
  statuses: { running: InstanceStatus; pausing: InstanceStatus };
}

export interface ClaimedRun {
  instance: InstanceRecord;
  lease: Lease;
  /** True when this claim starts the run (it had never been picked up before). */
  firstClaim: boolean;
  /** True when another owner held the run and its lease had expired (that process stalled or died). */
  takenOver: boolean;
}

/**
 * The storage the engine needs. Every method that changes state runs in one database
 * transaction; `transaction()` hands out the operations that must be combined.
 */
export interface WorkflowStore {
  /** Runs `work` in one transaction; `work` may run more than once (a lost lock race is retried). */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;

  // The hot paths, each one transaction (on PostgreSQL one statement, one round trip).
  /**
   * Inserts new instances with their queue rows (kind `new`, due at `dueAt`), skipping ids
   * already taken, and signals them runnable; returns the ids it inserted.
   */
  createInstances(instances: InstanceRecord[], dueAt: number): Promise<string[]>;
  /**
   * A runner's progress (step rows, log lines), written only while `lease` holds; null (and
   * nothing written) when it was lost. Does not extend the lease.
   */
  saveProgress(lease: Lease, steps: StepRecord[], logs: NewLogRecord[], delivery?: EventDelivery): Promise<LeaseCheck | null>;
  /**
   * Ends a run while `lease` holds: the instance takes `patch`, the queue row goes, and runs
   * suspended waiting for this instance become runnable now (taking `wokenStatus`), all at once.
   */
  finishRun(lease: Lease, patch: FinishPatch, steps: StepRecord[], logs: NewLogRecord[], wokenStatus: InstanceStatus): Promise<FinishResult>;

  findInstance(key: InstanceKey): Promise<InstanceRecord | null>;
  /** Those of `keys` that exist, in no particular order. */
  findInstances(keys: InstanceKey[]): Promise<InstanceRecord[]>;
  listInstances(query: InstanceListQuery): Promise<InstanceRecord[]>;
  listSteps(query: RunStreamQuery<number>): Promise<StepRecord[]>;
  listEvents(query: RunStreamQuery<number>): Promise<EventRecord[]>;
  listLogs(query: LogQuery): Promise<LogRecord[]>;
  /** The step a run is at: the most recently created one. */
  lastStep(key: InstanceKey, runNumber: number): Promise<StepRecord | null>;
  /** Every step of a run, for replay. */
  loadSteps(key: InstanceKey, runNumber: number): Promise<StepRecord[]>;
  /** The oldest undelivered event of `type` for the run created no later than `notAfter`. */
  peekEvent(key: InstanceKey, runNumber: number, type: string, notAfter: number): Promise<EventRecord | null>;

  /**
   * Claims up to `limit` due runs whose lease is free or expired, oldest due first and resuming
   * runs before new ones; marks their instances `running` and gives each a fresh lease token.
   */
  claimDue(request: ClaimRequest): Promise<ClaimedRun[]>;
  /** The earliest due time of any runnable run of these workflows, or null when nothing is scheduled. */
  nextDueAt(workflowNames: string[]): Promise<number | null>;
  /** The database server's clock, in epoch milliseconds. */
  databaseNow(): Promise<number>;
  /**
   * Deletes one batch of finished instances (`PurgeQuery`) with all their rows, in one short
   * transaction; instances another transaction holds are skipped, so replicas purging at the same
   * time take different ones. Returns how many instances it deleted.
   */
  purgeFinished(query: PurgeQuery): Promise<number>;
  /** Periodic upkeep the runner triggers (keeping the queue's planner statistics fresh). */
  housekeeping(): Promise<void>;
  /**
   * A value every process on this database shares: the stored one, or `create()`'s, stored now
   * by whichever process asks first.
   */
  sharedSetting(name: string, create: () => string): Promise<string>;
  /**
   * Calls `onRunnable` whenever another process made a run runnable now (and once after every
   * reconnect, since a signal may have been missed); resolves to a function that stops it. A
   * database only one process uses signals nothing.
   */
  subscribeRunnable(onRunnable: () => void, onProblem: (message: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface StoreTransaction {
  /** Locks the run-queue row, then the instance row (always in this order), and reads both. */
  lockInstance(key: InstanceKey): Promise<{ instance: InstanceRecord | null; task: TaskRecord | null }>;
  /** Whether any instance of the workflow is stored (its code may not be loaded here). */
  hasInstancesOf(workflowName: string): Promise<boolean>;
  /**
   * Checks that the lease still holds and extends it; null when the lease was lost (terminated,
   * restarted or taken over), in which case nothing may be written.
   */
  fenceLease(lease: Lease, expiresAt: number): Promise<LeaseCheck | null>;

  updateInstance(key: InstanceKey, patch: InstancePatch): Promise<void>;
  /** Inserts or replaces run-queue rows. */
  putTasks(tasks: TaskRecord[]): Promise<void>;
  deleteTask(key: InstanceKey): Promise<void>;

  /**
   * Deletes instances of one workflow with every row they have: steps, events and logs of all
   * their runs, and their queue rows. The caller holds their locks.
   */
  deleteInstances(workflowName: string, instanceIds: string[]): Promise<void>;

  saveSteps(steps: StepRecord[]): Promise<void>;
  insertLogs(logs: NewLogRecord[]): Promise<void>;

  /** Inserts instances without queue rows, skipping ids already taken; returns the ids it inserted. */
  insertInstances(instances: InstanceRecord[]): Promise<string[]>;
  /**
   * A run is about to wait for these instances: marks their queue rows as awaited and holds a
   * lock on them until the transaction ends, so an instance's end, before or after, cannot be
   * missed. False when any of them has no queue row: it is finished (or does not exist). Taken
   * before the waiting run's own queue row (an instance's end takes its own row, then the
   * waiting run's), so the two never wait for each other.
   */
  awaitInstances(keys: InstanceKey[]): Promise<boolean>;
  /**
   * The instance has just finished: runs suspended on a `waitForWorkflow` of it become runnable
   * now (taking `status`, signalled); true when any did. A run a runner holds is left to it.
   */
  wakeAwaiting(key: InstanceKey, now: number, status: InstanceStatus): Promise<boolean>;
  /** The instances `parent` started with this close policy that are not in one of `finished`. */
  listChildren(parent: InstanceKey, policy: ParentClosePolicy, finished: readonly InstanceStatus[]): Promise<InstanceKey[]>;

  insertEvent(event: NewEventRecord): Promise<EventRecord>;
  findEvent(key: InstanceKey, eventId: string): Promise<EventRecord | null>;
  /** True when the run has an undelivered event of one of `types` created no later than its deadline. */
  hasDeliverableEvent(key: InstanceKey, runNumber: number, waits: { type: string; deadline: number }[]): Promise<boolean>;
  /**
   * Tells other processes, once this transaction commits, that a run became runnable now
   * (PostgreSQL NOTIFY; nothing on a single-process database).
   */
  signalRunnable(): Promise<void>;
  /**
   * When the run is suspended on a `waitForEvent` of this type: makes it runnable now (instance
   * `status`, due now, signalled) and returns true. Otherwise changes nothing.
   */
  wakeIfWaitingFor(key: InstanceKey, runNumber: number, type: string, now: number, status: InstanceStatus): Promise<boolean>;
}
