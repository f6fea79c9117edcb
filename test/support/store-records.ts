import {
  type EventRecord,
  type InstanceKey,
  type InstanceRecord,
  type NewEventRecord,
  type NewLogRecord,
  type StepRecord,
  type TaskKind,
  type TaskRecord,
  unleasedTask,
} from '../../src/engine/model';
import type { ClaimRequest, ClaimedRun, FinishPatch, WorkflowStore } from '../../src/engine/ports/store';

/**
 * Records written straight through the store port (no engine), for the store conformance suite.
 * Times are epoch milliseconds from T0.
 */

export const T0 = Date.UTC(2030, 0, 1);
/** The workflow records belong to unless told otherwise. */
export const WORKFLOW = 'wf';

export function keyOf(instanceId: string, workflowName = WORKFLOW): InstanceKey {
  return { workflowName, instanceId };
}

/** A queued instance in its first run, created at T0. */
export function instanceRecord(instanceId: string, fields: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    workflowName: WORKFLOW,
    instanceId,
    runNumber: 1,
    status: 'queued',
    params: null,
    output: null,
    error: null,
    createdAt: T0,
    updatedAt: T0,
    startedAt: null,
    completedAt: null,
    traceParent: null,
    parent: null,
    parentClosePolicy: null,
    ...fields,
  };
}

/** A completed `step.do` row of run 1 (or of the run the key carries). */
export function stepRecord(key: InstanceKey & { runNumber?: number }, name: string, seq: number, fields: Partial<StepRecord> = {}): StepRecord {
  return {
    workflowName: key.workflowName,
    instanceId: key.instanceId,
    runNumber: key.runNumber ?? 1,
    name,
    id: `step-${key.instanceId}-${name}`,
    seq,
    type: 'do',
    status: 'completed',
    attempts: 1,
    maxAttempts: 6,
    timeoutMs: 600_000,
    nextRetryAt: null,
    wakeAt: null,
    waitEventType: null,
    childWorkflowName: null,
    childInstanceId: null,
    result: `"${name} done"`,
    error: null,
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  };
}

/** A waiting `waitForEvent` row for events of `type`. */
export function waitStep(key: InstanceKey & { runNumber?: number }, name: string, seq: number, type: string, fields: Partial<StepRecord> = {}): StepRecord {
  return stepRecord(key, name, seq, {
    type: 'waitForEvent',
    status: 'waiting',
    attempts: 0,
    maxAttempts: null,
    timeoutMs: null,
    wakeAt: T0 + 86_400_000,
    waitEventType: type,
    result: null,
    ...fields,
  });
}

/** An undelivered event of run 1, sent at T0. */
export function newEvent(key: InstanceKey, id: string, fields: Partial<NewEventRecord> = {}): NewEventRecord {
  return { ...key, runNumber: 1, id, type: 'go', payload: null, createdAt: T0, deliveredAt: null, consumedByStep: null, ...fields };
}

/** An info line of run 1 written outside any step. */
export function newLog(key: InstanceKey, message: string, fields: Partial<NewLogRecord> = {}): NewLogRecord {
  return {
    ...key,
    runNumber: 1,
    stepName: null,
    attempt: null,
    level: 'info',
    category: 'workflow',
    message,
    data: null,
    isReplay: false,
    createdAt: T0,
    ...fields,
  };
}

/** A queue row nobody holds. */
export function taskRecord(key: InstanceKey, kind: TaskKind, dueAt: number | null, fields: Partial<TaskRecord> = {}): TaskRecord {
  return { ...unleasedTask(key, fields.runNumber ?? 1, kind, dueAt), ...fields };
}

let tokens = 0;

/** A claim of every due run of WORKFLOW at T0, as a runner makes it. */
export function claimRequest(fields: Partial<ClaimRequest> = {}): ClaimRequest {
  return {
    now: T0,
    limit: 10,
    owner: 'runner-a',
    leaseMs: 30_000,
    workflowNames: [WORKFLOW],
    newToken: () => `token-${++tokens}`,
    statuses: { running: 'running', pausing: 'waitingForPause' },
    ...fields,
  };
}

/** What finishing a run with `output` writes. */
export function completion(output: unknown, at: number): FinishPatch {
  return { status: 'complete', output: JSON.stringify(output), error: null, completedAt: at, updatedAt: at };
}

/** Creates instances (each with its queue row, due at `dueAt`). */
export async function seed(store: WorkflowStore, instances: InstanceRecord[], dueAt = T0): Promise<void> {
  expect(await store.createInstances(instances, dueAt)).toEqual(instances.map((i) => i.instanceId));
}

/** Creates one instance and claims it: the lease a runner would hold. */
export async function claimed(store: WorkflowStore, instanceId: string, request: Partial<ClaimRequest> = {}): Promise<ClaimedRun> {
  await seed(store, [instanceRecord(instanceId)], request.now ?? T0);
  const claims = await store.claimDue(claimRequest({ limit: 1, ...request }));
  expect(claims.map((c) => c.instance.instanceId)).toEqual([instanceId]);
  return claims[0];
}

/** The instance and queue row as a transaction reads them (locking both). */
export function readRows(store: WorkflowStore, key: InstanceKey): Promise<{ instance: InstanceRecord | null; task: TaskRecord | null }> {
  return store.transaction((tx) => tx.lockInstance(key));
}

/** Inserts events through a transaction, as sending them does; returns them with their sequence numbers. */
export function insertEvents(store: WorkflowStore, events: NewEventRecord[]): Promise<EventRecord[]> {
  return store.transaction(async (tx) => {
    const stored: EventRecord[] = [];
    for (const event of events) stored.push(await tx.insertEvent(event));
    return stored;
  });
}
