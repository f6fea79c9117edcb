import type { WorkflowEvent } from './definition/types';
import type { ErrorInfo } from './errors';
import { parseJson } from './json';
import type { EventRecord, InstanceRecord, InstanceStatus, LogRecord, ParentRun, StepRecord } from './model';

/**
 * The shapes the client and the HTTP API return (docs/http-api.md). Times are ISO-8601 UTC strings
 * and stored JSON is parsed, so these serialise to the documented JSON as they are.
 */
export interface InstanceDetails {
  status: InstanceStatus;
  error?: ErrorInfo;
  output?: unknown;
}

export interface InstanceSummary {
  id: string;
  details: InstanceDetails;
  createdAt: string;
  updatedAt: string;
}

export interface StepView {
  id: string;
  runNumber: number;
  /** What identifies the step within its run: its name. */
  stepKey: string;
  name: string;
  type: StepRecord['type'];
  status: StepRecord['status'];
  attempts: number;
  maxAttempts: number | null;
  timeoutMs: number | null;
  nextRetryAt: string | null;
  wakeAt: string | null;
  waitEventType: string | null;
  /** startWorkflow: the child it started; waitForWorkflow: the instance it waits for. Only on those steps. */
  childWorkflowName?: string;
  childInstanceId?: string;
  result: unknown;
  error?: ErrorInfo;
  createdAt: string;
  updatedAt: string;
}

export type CurrentStepView = Pick<
  StepView,
  | 'stepKey'
  | 'name'
  | 'type'
  | 'status'
  | 'attempts'
  | 'maxAttempts'
  | 'timeoutMs'
  | 'nextRetryAt'
  | 'wakeAt'
  | 'waitEventType'
  | 'childWorkflowName'
  | 'childInstanceId'
  | 'error'
>;

export interface InstanceView {
  id: string;
  details: InstanceDetails;
  meta: {
    workflowName: string;
    runNumber: number;
    params: unknown;
    pauseRequested: boolean;
    createdAt: string;
    updatedAt: string;
    startedAt: string | null;
    completedAt: string | null;
    /** The run that started this instance with `step.startWorkflow`; absent for one created from outside. */
    parent?: ParentRun;
    currentStep?: CurrentStepView;
  };
}

export interface EventView {
  id: string;
  runNumber: number;
  type: string;
  payload: unknown;
  createdAt: string;
  deliveredAt: string | null;
  consumedByStepKey: string | null;
}

export interface LogView {
  id: string;
  runNumber: number;
  stepKey: string | null;
  attempt: number | null;
  level: LogRecord['level'];
  category: string;
  message: string;
  data: unknown;
  isReplay: boolean;
  createdAt: string;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

export function detailsOf(instance: InstanceRecord): InstanceDetails {
  return {
    status: instance.status,
    ...(instance.error ? { error: instance.error } : {}),
    ...(instance.status === 'complete' ? { output: parseJson(instance.output) ?? null } : {}),
  };
}

export function summaryOf(instance: InstanceRecord): InstanceSummary {
  return {
    id: instance.instanceId,
    details: detailsOf(instance),
    createdAt: iso(instance.createdAt),
    updatedAt: iso(instance.updatedAt),
  };
}

export function instanceViewOf(instance: InstanceRecord, lastStep: StepRecord | null): InstanceView {
  const current = lastStep ? stepViewOf(lastStep) : undefined;
  return {
    id: instance.instanceId,
    details: detailsOf(instance),
    meta: {
      workflowName: instance.workflowName,
      runNumber: instance.runNumber,
      params: paramsOf(instance),
      pauseRequested: instance.status === 'waitingForPause',
      createdAt: iso(instance.createdAt),
      updatedAt: iso(instance.updatedAt),
      startedAt: isoOrNull(instance.startedAt),
      completedAt: isoOrNull(instance.completedAt),
      ...(instance.parent ? { parent: { ...instance.parent } } : {}),
      ...(current
        ? {
            currentStep: {
              stepKey: current.stepKey,
              name: current.name,
              type: current.type,
              status: current.status,
              attempts: current.attempts,
              maxAttempts: current.maxAttempts,
              timeoutMs: current.timeoutMs,
              nextRetryAt: current.nextRetryAt,
              wakeAt: current.wakeAt,
              waitEventType: current.waitEventType,
              ...(current.childInstanceId !== undefined ? { childWorkflowName: current.childWorkflowName, childInstanceId: current.childInstanceId } : {}),
              ...(current.error ? { error: current.error } : {}),
            },
          }
        : {}),
    },
  };
}

/** An instance's params as its workflow sees them: `{}` when it was created without any (an explicit null stays null). */
export function paramsOf(instance: InstanceRecord): unknown {
  return instance.params === null ? {} : parseJson(instance.params);
}

/** What a run's workflow code receives as its event. */
export function workflowEventOf(instance: InstanceRecord, runNumber: number): WorkflowEvent {
  return {
    payload: paramsOf(instance),
    timestamp: new Date(instance.createdAt),
    instanceId: instance.instanceId,
    workflowName: instance.workflowName,
    runNumber,
  };
}

/**
 * Sleeps and waits run once: rows written before they stored it say null, and read as 1.
 * A `do` step's null means unlimited retries.
 */
function maxAttemptsOf(step: StepRecord): number | null {
  return step.maxAttempts ?? (step.type === 'do' ? null : 1);
}

/** A wait's timeout: stored since run numbers start at 0; for older rows, its deadline less its start. */
function timeoutMsOf(step: StepRecord): number | null {
  if (step.timeoutMs !== null || step.type !== 'waitForEvent' || step.wakeAt === null) return step.timeoutMs;
  return step.wakeAt - step.createdAt;
}

export function stepViewOf(step: StepRecord): StepView {
  return {
    id: step.id,
    runNumber: step.runNumber,
    stepKey: step.name,
    name: step.name,
    type: step.type,
    status: step.status,
    attempts: step.attempts,
    maxAttempts: maxAttemptsOf(step),
    timeoutMs: timeoutMsOf(step),
    nextRetryAt: isoOrNull(step.nextRetryAt),
    wakeAt: isoOrNull(step.wakeAt),
    waitEventType: step.waitEventType,
    ...(step.childInstanceId !== null ? { childWorkflowName: step.childWorkflowName ?? '', childInstanceId: step.childInstanceId } : {}),
    result: parseJson(step.result) ?? null,
    ...(step.error ? { error: step.error } : {}),
    createdAt: iso(step.createdAt),
    updatedAt: iso(step.updatedAt),
  };
}

export function eventViewOf(event: EventRecord): EventView {
  return {
    id: event.id,
    runNumber: event.runNumber,
    type: event.type,
    payload: parseJson(event.payload) ?? null,
    createdAt: iso(event.createdAt),
    deliveredAt: isoOrNull(event.deliveredAt),
    consumedByStepKey: event.consumedByStep,
  };
}

export function logViewOf(log: LogRecord): LogView {
  return {
    id: String(log.id),
    runNumber: log.runNumber,
    stepKey: log.stepName,
    attempt: log.attempt,
    level: log.level,
    category: log.category,
    message: log.message,
    data: parseJson(log.data) ?? null,
    isReplay: log.isReplay,
    createdAt: iso(log.createdAt),
  };
}
