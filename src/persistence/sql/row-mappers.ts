import type { ErrorInfo } from '../../engine/errors';
import type { EventRecord, InstanceRecord, LogRecord, StepRecord, TaskRecord } from '../../engine/model';
import { toInstanceStatus } from '../../engine/model';
import type { Dialect } from './dialect';
import { taskKindOf } from './task-kinds';

/** Raw rows come back with snake_case keys and database-specific value types. */
type Row = Record<string, unknown>;

const str = (value: unknown) => (value === null || value === undefined ? null : String(value));
const num = (value: unknown) => (value === null || value === undefined ? null : Number(value));

function errorOf(row: Row): ErrorInfo | null {
  return row.error_name ? { name: String(row.error_name), message: String(row.error_message ?? '') } : null;
}

export function instanceFromRow(d: Dialect, row: Row): InstanceRecord {
  return {
    workflowName: String(row.workflow_name),
    instanceId: String(row.instance_id),
    runNumber: Number(row.run_number),
    status: toInstanceStatus(String(row.status)),
    params: str(row.params),
    output: str(row.output),
    error: errorOf(row),
    createdAt: d.readTime(row.created_at)!,
    updatedAt: d.readTime(row.updated_at)!,
    startedAt: d.readTime(row.started_at),
    completedAt: d.readTime(row.completed_at),
    traceParent: str(row.trace_parent),
    parent:
      row.parent_instance_id == null
        ? null
        : { workflowName: String(row.parent_workflow_name), instanceId: String(row.parent_instance_id), runNumber: Number(row.parent_run_number) },
    parentClosePolicy: row.parent_close_policy == null ? null : (String(row.parent_close_policy) as InstanceRecord['parentClosePolicy']),
  };
}

export function taskFromRow(d: Dialect, row: Row): TaskRecord {
  return {
    workflowName: String(row.workflow_name),
    instanceId: String(row.instance_id),
    runNumber: Number(row.run_number),
    kind: taskKindOf(row.kind),
    dueAt: d.readTime(row.due_at),
    leaseOwner: str(row.lease_owner),
    leaseToken: str(row.lease_token),
    leaseExpiresAt: d.readTime(row.lease_expires_at),
    pauseRequested: Boolean(row.pause_requested),
  };
}

export function stepFromRow(d: Dialect, row: Row): StepRecord {
  return {
    workflowName: String(row.workflow_name),
    instanceId: String(row.instance_id),
    runNumber: Number(row.run_number),
    name: String(row.name),
    id: String(row.id),
    seq: Number(row.seq),
    type: String(row.type) as StepRecord['type'],
    status: String(row.status) as StepRecord['status'],
    attempts: Number(row.attempts),
    maxAttempts: num(row.max_attempts),
    timeoutMs: num(row.timeout_ms),
    nextRetryAt: d.readTime(row.next_retry_at),
    wakeAt: d.readTime(row.wake_at),
    waitEventType: str(row.wait_event_type),
    childWorkflowName: str(row.child_workflow_name),
    childInstanceId: str(row.child_instance_id),
    result: str(row.result),
    error: errorOf(row),
    createdAt: d.readTime(row.created_at)!,
    updatedAt: d.readTime(row.updated_at)!,
  };
}

export function eventFromRow(d: Dialect, row: Row): EventRecord {
  return {
    workflowName: String(row.workflow_name),
    instanceId: String(row.instance_id),
    runNumber: Number(row.run_number),
    id: String(row.id),
    seq: Number(row.seq),
    type: String(row.type),
    payload: str(row.payload),
    createdAt: d.readTime(row.created_at)!,
    deliveredAt: d.readTime(row.delivered_at),
    consumedByStep: str(row.consumed_by_step),
  };
}

export function logFromRow(d: Dialect, row: Row): LogRecord {
  return {
    id: Number(row.id),
    workflowName: String(row.workflow_name),
    instanceId: String(row.instance_id),
    runNumber: Number(row.run_number),
    stepName: str(row.step_name),
    attempt: num(row.attempt),
    level: String(row.level) as LogRecord['level'],
    category: String(row.category),
    message: String(row.message),
    data: str(row.data),
    isReplay: Boolean(row.is_replay),
    createdAt: d.readTime(row.created_at)!,
  };
}
