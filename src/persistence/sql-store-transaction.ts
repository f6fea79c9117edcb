import type {
  EventRecord,
  InstanceKey,
  InstanceRecord,
  Lease,
  NewEventRecord,
  NewLogRecord,
  StepRecord,
  TaskRecord,
} from '../engine/model';
import type { InstancePatch, LeaseCheck, StoreTransaction } from '../engine/ports/store';
import { eventFromRow, instanceFromRow, taskFromRow } from './row-mappers';
import { KEY, RUN_KEY, valuesList } from './sql-fragments';
import type { SqlExecutor } from './sql-executor';

/** The PostgreSQL NOTIFY channel on which runners learn that a run became runnable. */
export const RUNNABLE_CHANNEL = 'workflows_runnable';

const INSTANCE_COLUMNS =
  'workflow_name, instance_id, run_number, status, params, output, error_name, error_message, created_at, updated_at, started_at, completed_at';
const TASK_COLUMNS = 'workflow_name, instance_id, run_number, kind, due_at, lease_owner, lease_token, lease_expires_at, pause_requested';
const STEP_COLUMNS =
  'workflow_name, instance_id, run_number, name, id, seq, type, status, attempts, max_attempts, timeout_ms, next_retry_at, wake_at, wait_event_type, result, error_name, error_message, created_at, updated_at';
const LOG_COLUMNS =
  'workflow_name, instance_id, run_number, step_name, attempt, level, category, message, data, is_replay, created_at';

/** Columns an instance patch may set, and how each is bound. */
const INSTANCE_PATCH: { [K in keyof InstancePatch]-?: (p: InstancePatch, tx: SqlStoreTransaction) => [string, unknown][] } = {
  runNumber: (p) => [['run_number', p.runNumber]],
  status: (p) => [['status', p.status]],
  params: (p) => [['params', p.params]],
  output: (p) => [['output', p.output]],
  error: (p) => [
    ['error_name', p.error?.name ?? null],
    ['error_message', p.error?.message ?? null],
  ],
  updatedAt: (p, tx) => [['updated_at', tx.time(p.updatedAt!)]],
  startedAt: (p, tx) => [['started_at', tx.time(p.startedAt ?? null)]],
  completedAt: (p, tx) => [['completed_at', tx.time(p.completedAt ?? null)]],
};

/** The write-side operations of the store, on one transaction's connection. */
export class SqlStoreTransaction implements StoreTransaction {
  constructor(private readonly sql: SqlExecutor) {}

  time(ms: number | null): unknown {
    return this.sql.dialect.time(ms);
  }

  async lockInstance(key: InstanceKey) {
    const lock = this.sql.dialect.forUpdate;
    const args = [key.workflowName, key.instanceId];
    const [task] = await this.sql.rows(`SELECT * FROM workflow_task WHERE ${KEY}${lock}`, args);
    const [instance] = await this.sql.rows(`SELECT * FROM workflow_instance WHERE ${KEY}${lock}`, args);
    const d = this.sql.dialect;
    return { instance: instance ? instanceFromRow(d, instance) : null, task: task ? taskFromRow(d, task) : null };
  }

  async fenceLease(lease: Lease, expiresAt: number): Promise<LeaseCheck | null> {
    // RETURNING reads the row as this UPDATE leaves it, after any lock wait: a pause committed
    // meanwhile is seen.
    const [row] = await this.sql.rows<{ pause_requested: unknown }>(
      `UPDATE workflow_task SET due_at = $5, lease_expires_at = $5 WHERE ${RUN_KEY} AND lease_token = $4
       RETURNING pause_requested`,
      [lease.workflowName, lease.instanceId, lease.runNumber, lease.token, this.time(expiresAt)],
    );
    return row ? { pauseRequested: Boolean(row.pause_requested) } : null;
  }

  async insertInstances(instances: InstanceRecord[]): Promise<string[]> {
    if (!instances.length) return [];
    const params = instances.flatMap((i) => [
      i.workflowName,
      i.instanceId,
      i.runNumber,
      i.status,
      i.params,
      i.output,
      i.error?.name ?? null,
      i.error?.message ?? null,
      this.time(i.createdAt),
      this.time(i.updatedAt),
      this.time(i.startedAt),
      this.time(i.completedAt),
    ]);
    const rows = await this.sql.rows<{ instance_id: string }>(
      `INSERT INTO workflow_instance (${INSTANCE_COLUMNS}) VALUES ${valuesList(instances.length, 12)}
       ON CONFLICT (workflow_name, instance_id) DO NOTHING RETURNING instance_id`,
      params,
    );
    return rows.map((row) => row.instance_id);
  }

  async updateInstance(key: InstanceKey, patch: InstancePatch): Promise<void> {
    const assignments = (Object.keys(patch) as (keyof InstancePatch)[]).flatMap((field) => INSTANCE_PATCH[field](patch, this));
    if (!assignments.length) return;
    const set = assignments.map(([column], i) => `${column} = $${i + 3}`).join(', ');
    await this.sql.run(`UPDATE workflow_instance SET ${set} WHERE ${KEY}`, [
      key.workflowName,
      key.instanceId,
      ...assignments.map(([, value]) => value),
    ]);
  }

  async putTasks(tasks: TaskRecord[]): Promise<void> {
    if (!tasks.length) return;
    const params = tasks.flatMap((t) => [
      t.workflowName,
      t.instanceId,
      t.runNumber,
      t.kind === 'resume' ? 0 : 1,
      this.time(t.dueAt),
      t.leaseOwner,
      t.leaseToken,
      this.time(t.leaseExpiresAt),
      this.sql.dialect.bool(t.pauseRequested),
    ]);
    await this.sql.run(
      `INSERT INTO workflow_task (${TASK_COLUMNS}) VALUES ${valuesList(tasks.length, 9)}
       ON CONFLICT (workflow_name, instance_id) DO UPDATE SET run_number = excluded.run_number, kind = excluded.kind,
         due_at = excluded.due_at, lease_owner = excluded.lease_owner, lease_token = excluded.lease_token,
         lease_expires_at = excluded.lease_expires_at, pause_requested = excluded.pause_requested`,
      params,
    );
  }

  async deleteTask(key: InstanceKey): Promise<void> {
    await this.sql.run(`DELETE FROM workflow_task WHERE ${KEY}`, [key.workflowName, key.instanceId]);
  }

  async saveSteps(steps: StepRecord[]): Promise<void> {
    if (!steps.length) return;
    const params = steps.flatMap((s) => [
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
      this.time(s.nextRetryAt),
      this.time(s.wakeAt),
      s.waitEventType,
      s.result,
      s.error?.name ?? null,
      s.error?.message ?? null,
      this.time(s.createdAt),
      this.time(s.updatedAt),
    ]);
    await this.sql.run(
      `INSERT INTO workflow_step (${STEP_COLUMNS}) VALUES ${valuesList(steps.length, 19)}
       ON CONFLICT (workflow_name, instance_id, run_number, name) DO UPDATE SET status = excluded.status,
         attempts = excluded.attempts, max_attempts = excluded.max_attempts, timeout_ms = excluded.timeout_ms,
         next_retry_at = excluded.next_retry_at, wake_at = excluded.wake_at, wait_event_type = excluded.wait_event_type,
         result = excluded.result, error_name = excluded.error_name, error_message = excluded.error_message,
         updated_at = excluded.updated_at`,
      params,
    );
  }

  async insertLogs(logs: NewLogRecord[]): Promise<void> {
    if (!logs.length) return;
    const params = logs.flatMap((l) => [
      l.workflowName,
      l.instanceId,
      l.runNumber,
      l.stepName,
      l.attempt,
      l.level,
      l.category,
      l.message,
      l.data,
      this.sql.dialect.bool(l.isReplay),
      this.time(l.createdAt),
    ]);
    await this.sql.run(`INSERT INTO workflow_log (${LOG_COLUMNS}) VALUES ${valuesList(logs.length, 11)}`, params);
  }

  async insertEvent(event: NewEventRecord): Promise<EventRecord> {
    // Sequence numbers are per instance; the caller holds the instance lock, so MAX()+1 is safe.
    const [row] = await this.sql.rows<{ seq: number }>(
      // The key is bound twice ($8, $9): PostgreSQL types a parameter once, and a column value
      // and a comparison operand would deduce different types.
      `INSERT INTO workflow_event (workflow_name, instance_id, id, run_number, seq, type, payload, created_at)
       VALUES ($1, $2, $3, $4, (SELECT COALESCE(MAX(seq), 0) + 1 FROM workflow_event WHERE workflow_name = $8 AND instance_id = $9),
         $5, $6, $7)
       RETURNING seq`,
      [
        event.workflowName,
        event.instanceId,
        event.id,
        event.runNumber,
        event.type,
        event.payload,
        this.time(event.createdAt),
        event.workflowName,
        event.instanceId,
      ],
    );
    return { ...event, seq: Number(row.seq) };
  }

  async findEvent(key: InstanceKey, eventId: string): Promise<EventRecord | null> {
    const [row] = await this.sql.rows(`SELECT * FROM workflow_event WHERE ${KEY} AND id = $3`, [
      key.workflowName,
      key.instanceId,
      eventId,
    ]);
    return row ? eventFromRow(this.sql.dialect, row) : null;
  }

  async markEventDelivered(event: EventRecord, stepName: string, at: number): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE workflow_event SET delivered_at = $4, consumed_by_step = $5 WHERE ${KEY} AND id = $3 AND delivered_at IS NULL`,
      [event.workflowName, event.instanceId, event.id, this.time(at), stepName],
    );
    return changed === 1;
  }

  async hasDeliverableEvent(key: InstanceKey, runNumber: number, waits: { type: string; deadline: number }[]) {
    if (!waits.length) return false;
    const matches = waits.map((_, i) => `(type = $${4 + i * 2} AND created_at <= $${5 + i * 2})`).join(' OR ');
    const rows = await this.sql.rows(
      `SELECT 1 AS found FROM workflow_event WHERE ${RUN_KEY} AND delivered_at IS NULL AND (${matches}) LIMIT 1`,
      [key.workflowName, key.instanceId, runNumber, ...waits.flatMap((w) => [w.type, this.time(w.deadline)])],
    );
    return rows.length > 0;
  }

  async signalRunnable(): Promise<void> {
    if (this.sql.dialect.name === 'postgres') await this.sql.rows(`SELECT pg_notify($1, '')`, [RUNNABLE_CHANNEL]);
  }

  async isWaitingFor(key: InstanceKey, runNumber: number, type: string): Promise<boolean> {
    const rows = await this.sql.rows(
      `SELECT 1 AS found FROM workflow_step
       WHERE ${RUN_KEY} AND type = 'waitForEvent' AND status = 'waiting' AND wait_event_type = $4 LIMIT 1`,
      [key.workflowName, key.instanceId, runNumber, type],
    );
    return rows.length > 0;
  }
}
