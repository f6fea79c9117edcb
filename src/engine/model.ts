import type { ErrorInfo } from './errors';
import type { LogLevel } from './definition/types';

export const INSTANCE_STATUSES = [
  'queued',
  'running',
  'paused',
  'errored',
  'terminated',
  'complete',
  'waiting',
  'waitingForPause',
  'unknown',
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Reads a stored status; anything this version does not know is reported as `unknown`. */
export function toInstanceStatus(value: string): InstanceStatus {
  return (INSTANCE_STATUSES as readonly string[]).includes(value) ? (value as InstanceStatus) : 'unknown';
}

/** The number of an instance's first run (0, as the original fragment counts); each restart adds one. */
export const FIRST_RUN_NUMBER = 0;

export interface InstanceKey {
  workflowName: string;
  instanceId: string;
}

/** Times are epoch milliseconds; JSON values are kept as the stored text. */
export interface InstanceRecord extends InstanceKey {
  runNumber: number;
  status: InstanceStatus;
  params: string | null;
  output: string | null;
  error: ErrorInfo | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  /**
   * The W3C `traceparent` of whatever created the instance (src/engine/trace-parent.ts), kept
   * for good: every claim of every run is traced as its child. Never shown in views.
   */
  traceParent: string | null;
  /** The run that started this instance with `step.startWorkflow`; null for one created from outside. */
  parent: ParentRun | null;
  /** What happens to this instance when its parent is terminated or restarted (null: no parent). */
  parentClosePolicy: ParentClosePolicy | null;
}

/** The run of another instance that started this one. */
export interface ParentRun extends InstanceKey {
  runNumber: number;
}

/** `terminate`: a parent terminated or restarted terminates its live children; `abandon`: they go on. */
export const PARENT_CLOSE_POLICIES = ['terminate', 'abandon'] as const;
export type ParentClosePolicy = (typeof PARENT_CLOSE_POLICIES)[number];

/** Queue priority: instances that were already running go before new ones. */
export type TaskKind = 'resume' | 'new';

/** One row of the run queue: a run that is not finished. `dueAt` null means not runnable (paused). */
export interface TaskRecord extends InstanceKey {
  runNumber: number;
  kind: TaskKind;
  dueAt: number | null;
  leaseOwner: string | null;
  leaseToken: string | null;
  leaseExpiresAt: number | null;
  /** The instance is `waitingForPause`: kept here too, so the runner's lease check sees it. */
  pauseRequested: boolean;
}

/** A queue row nobody holds. */
export function unleasedTask(key: InstanceKey, runNumber: number, kind: TaskKind, dueAt: number | null): TaskRecord {
  const { workflowName, instanceId } = key;
  return { workflowName, instanceId, runNumber, kind, dueAt, leaseOwner: null, leaseToken: null, leaseExpiresAt: null, pauseRequested: false };
}

/** What a runner holds while it advances a run; every runner write is fenced by it. */
export interface Lease extends InstanceKey {
  runNumber: number;
  token: string;
}

export const STEP_TYPES = ['do', 'sleep', 'waitForEvent', 'startWorkflow', 'waitForWorkflow'] as const;
export type StepType = (typeof STEP_TYPES)[number];
export const STEP_STATUSES = ['running', 'waiting', 'completed', 'errored'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface StepRecord extends InstanceKey {
  runNumber: number;
  name: string;
  id: string;
  /** Order of first appearance within the run. */
  seq: number;
  type: StepType;
  status: StepStatus;
  attempts: number;
  /** null when retries are unlimited. */
  maxAttempts: number | null;
  timeoutMs: number | null;
  nextRetryAt: number | null;
  /** Sleep: when it wakes. waitForEvent, waitForWorkflow: when it times out. */
  wakeAt: number | null;
  waitEventType: string | null;
  /** startWorkflow: the child it started; waitForWorkflow: the instance it waits for. */
  childWorkflowName: string | null;
  childInstanceId: string | null;
  result: string | null;
  error: ErrorInfo | null;
  createdAt: number;
  updatedAt: number;
}

export interface EventRecord extends InstanceKey {
  runNumber: number;
  id: string;
  /** Delivery order; assigned by the store. */
  seq: number;
  type: string;
  payload: string | null;
  createdAt: number;
  deliveredAt: number | null;
  consumedByStep: string | null;
}

export interface LogRecord extends InstanceKey {
  /** Assigned by the store; orders lines. */
  id: number;
  runNumber: number;
  stepName: string | null;
  attempt: number | null;
  level: LogLevel;
  category: string;
  message: string;
  data: string | null;
  isReplay: boolean;
  createdAt: number;
}

export type NewLogRecord = Omit<LogRecord, 'id'>;
export type NewEventRecord = Omit<EventRecord, 'seq'>;
