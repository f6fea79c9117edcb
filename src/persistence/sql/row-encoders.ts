import type { InstanceRecord, NewLogRecord, StepRecord, TaskRecord } from '../../engine/model';
import type { Dialect } from './dialect';
import type { SqlParams } from './sql-params';
import { TASK_KINDS } from './task-kinds';

/**
 * Each table's insert columns, with the PostgreSQL type of each (for arrays and VALUES lists,
 * whose types PostgreSQL cannot infer), and the function that turns a record into the values in
 * that order.
 */
export interface RowEncoding<R> {
  columns: string;
  pgTypes: string[];
  values(d: Dialect, record: R): unknown[];
}

export const INSTANCE_ROW: RowEncoding<InstanceRecord> = {
  columns:
    'workflow_name, instance_id, run_number, status, params, output, error_name, error_message, created_at, updated_at, started_at, completed_at, trace_parent, ' +
    'parent_workflow_name, parent_instance_id, parent_run_number, parent_close_policy',
  pgTypes: [
    'varchar', 'varchar', 'int', 'varchar', 'text', 'text', 'varchar', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'varchar',
    'varchar', 'varchar', 'int', 'varchar',
  ],
  values: (d, i) => [
    i.workflowName,
    i.instanceId,
    i.runNumber,
    i.status,
    i.params,
    i.output,
    i.error?.name ?? null,
    i.error?.message ?? null,
    d.time(i.createdAt),
    d.time(i.updatedAt),
    d.time(i.startedAt),
    d.time(i.completedAt),
    i.traceParent,
    i.parent?.workflowName ?? null,
    i.parent?.instanceId ?? null,
    i.parent?.runNumber ?? null,
    i.parentClosePolicy,
  ],
};

export const TASK_ROW: RowEncoding<TaskRecord> = {
  columns: 'workflow_name, instance_id, run_number, kind, due_at, lease_owner, lease_token, lease_expires_at, pause_requested',
  pgTypes: ['varchar', 'varchar', 'int', 'smallint', 'timestamptz', 'varchar', 'varchar', 'timestamptz', 'boolean'],
  values: (d, t) => [
    t.workflowName,
    t.instanceId,
    t.runNumber,
    TASK_KINDS[t.kind],
    d.time(t.dueAt),
    t.leaseOwner,
    t.leaseToken,
    d.time(t.leaseExpiresAt),
    d.bool(t.pauseRequested),
  ],
};

export const STEP_ROW: RowEncoding<StepRecord> = {
  columns:
    'workflow_name, instance_id, run_number, name, id, seq, type, status, attempts, max_attempts, timeout_ms, next_retry_at, wake_at, wait_event_type, result, error_name, error_message, created_at, updated_at, ' +
    'child_workflow_name, child_instance_id',
  pgTypes: [
    'varchar', 'varchar', 'int', 'varchar', 'varchar', 'int', 'varchar', 'varchar', 'int', 'int', 'bigint',
    'timestamptz', 'timestamptz', 'varchar', 'text', 'varchar', 'text', 'timestamptz', 'timestamptz', 'varchar', 'varchar',
  ],
  values: (d, s) => [
    s.workflowName,
    s.instanceId,
    s.runNumber,
    s.name,
    s.id,
    s.seq,
    s.type,
    s.status,
    s.attempts,
    s.maxAttempts,
    s.timeoutMs,
    d.time(s.nextRetryAt),
    d.time(s.wakeAt),
    s.waitEventType,
    s.result,
    s.error?.name ?? null,
    s.error?.message ?? null,
    d.time(s.createdAt),
    d.time(s.updatedAt),
    s.childWorkflowName,
    s.childInstanceId,
  ],
};

/** A step row is written again as it progresses; these columns change. */
export const STEP_UPSERT = `ON CONFLICT (workflow_name, instance_id, run_number, name) DO UPDATE SET status = excluded.status,
  attempts = excluded.attempts, max_attempts = excluded.max_attempts, timeout_ms = excluded.timeout_ms,
  next_retry_at = excluded.next_retry_at, wake_at = excluded.wake_at, wait_event_type = excluded.wait_event_type,
  result = excluded.result, error_name = excluded.error_name, error_message = excluded.error_message,
  updated_at = excluded.updated_at, child_workflow_name = excluded.child_workflow_name, child_instance_id = excluded.child_instance_id`;

/** A queue row is replaced whole, but for `awaited`: a run that waits for it keeps waiting. */
export const TASK_UPSERT = `ON CONFLICT (workflow_name, instance_id) DO UPDATE SET run_number = excluded.run_number, kind = excluded.kind,
  due_at = excluded.due_at, lease_owner = excluded.lease_owner, lease_token = excluded.lease_token,
  lease_expires_at = excluded.lease_expires_at, pause_requested = excluded.pause_requested`;

export const LOG_ROW: RowEncoding<NewLogRecord> = {
  columns: 'workflow_name, instance_id, run_number, step_name, attempt, level, category, message, data, is_replay, created_at',
  pgTypes: ['varchar', 'varchar', 'int', 'varchar', 'int', 'varchar', 'varchar', 'text', 'text', 'boolean', 'timestamptz'],
  values: (d, l) => [
    l.workflowName,
    l.instanceId,
    l.runNumber,
    l.stepName,
    l.attempt,
    l.level,
    l.category,
    l.message,
    l.data,
    d.bool(l.isReplay),
    d.time(l.createdAt),
  ],
};

/** `(…), (…)`: a VALUES list of `records`, their values appended to `p`. */
export function valuesList<R>(d: Dialect, p: SqlParams, encoding: RowEncoding<R>, records: R[]): string {
  return records.map((record) => `(${p.list(encoding.values(d, record))})`).join(', ');
}

/**
 * `unnest($1::varchar[], $2::int[], …)`: `records` as one typed array per column (PostgreSQL).
 * However many rows, the statement keeps one shape and one parameter per column.
 */
export function unnestRows<R>(d: Dialect, p: SqlParams, encoding: RowEncoding<R>, records: R[]): string {
  const rows = records.map((record) => encoding.values(d, record));
  return `unnest(${encoding.pgTypes.map((type, column) => p.add(rows.map((row) => row[column]), `${type}[]`)).join(', ')})`;
}
