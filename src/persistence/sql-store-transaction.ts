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
import { encodeRows, INSTANCE_ROW, LOG_ROW, STEP_ROW, STEP_UPSERT, TASK_ROW } from './row-encoders';
import { KEY, RUN_KEY } from './sql-fragments';
import type { SqlExecutor } from './sql-executor';

/** The PostgreSQL NOTIFY channel on which runners learn that a run became runnable. */
export const RUNNABLE_CHANNEL = 'workflows_runnable';

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
    let [task] = await this.sql.rows(`SELECT * FROM workflow_task WHERE ${KEY}${lock}`, args);
    const [instance] = await this.sql.rows(`SELECT * FROM workflow_instance WHERE ${KEY}${lock}`, args);
    // A finished instance has no queue row to lock first; a restart may have given it one while
    // this transaction waited for the instance row, and a runner may be claiming it now. Waiting
    // for that row while holding the instance row would be the reverse of the lock order (and a
    // deadlock with the claim), so take it only if it is free: otherwise the transaction fails as
    // a lock conflict and the connection runs it again, this time finding the row first.
    if (!task) [task] = await this.sql.rows(`SELECT * FROM workflow_task WHERE ${KEY}${this.sql.dialect.forUpdateNoWait}`, args);
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

  /** The lease check without extending it; it locks the queue row where the database has row locks. */
  async checkLease(lease: Lease): Promise<LeaseCheck | null> {
    const [row] = await this.sql.rows<{ pause_requested: unknown }>(
      `SELECT pause_requested FROM workflow_task WHERE ${RUN_KEY} AND lease_token = $4${this.sql.dialect.forUpdate}`,
      [lease.workflowName, lease.instanceId, lease.runNumber, lease.token],
    );
    return row ? { pauseRequested: Boolean(row.pause_requested) } : null;
  }

  async insertInstances(instances: InstanceRecord[]): Promise<string[]> {
    if (!instances.length) return [];
    const rows = encodeRows(this.sql.dialect, INSTANCE_ROW, instances);
    const inserted = await this.sql.rows<{ instance_id: string }>(
      `INSERT INTO workflow_instance (${INSTANCE_ROW.columns}) VALUES ${rows.placeholders}
       ON CONFLICT (workflow_name, instance_id) DO NOTHING RETURNING instance_id`,
      rows.values,
    );
    return inserted.map((row) => row.instance_id);
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
    const rows = encodeRows(this.sql.dialect, TASK_ROW, tasks);
    await this.sql.run(
      `INSERT INTO workflow_task (${TASK_ROW.columns}) VALUES ${rows.placeholders}
       ON CONFLICT (workflow_name, instance_id) DO UPDATE SET run_number = excluded.run_number, kind = excluded.kind,
         due_at = excluded.due_at, lease_owner = excluded.lease_owner, lease_token = excluded.lease_token,
         lease_expires_at = excluded.lease_expires_at, pause_requested = excluded.pause_requested`,
      rows.values,
    );
  }

  async deleteTask(key: InstanceKey): Promise<void> {
    await this.sql.run(`DELETE FROM workflow_task WHERE ${KEY}`, [key.workflowName, key.instanceId]);
  }

  async saveSteps(steps: StepRecord[]): Promise<void> {
    for (const chunk of chunks(steps)) {
      const rows = encodeRows(this.sql.dialect, STEP_ROW, chunk);
      await this.sql.run(`INSERT INTO workflow_step (${STEP_ROW.columns}) VALUES ${rows.placeholders} ${STEP_UPSERT}`, rows.values);
    }
  }

  async insertLogs(logs: NewLogRecord[]): Promise<void> {
    for (const chunk of chunks(logs)) {
      const rows = encodeRows(this.sql.dialect, LOG_ROW, chunk);
      await this.sql.run(`INSERT INTO workflow_log (${LOG_ROW.columns}) VALUES ${rows.placeholders}`, rows.values);
    }
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

  async wakeIfWaitingFor(key: InstanceKey, runNumber: number, type: string, now: number): Promise<boolean> {
    const params = [key.workflowName, key.instanceId, runNumber, type, this.time(now)];
    const waiting = `SELECT 1 FROM workflow_step WHERE ${RUN_KEY} AND type = 'waitForEvent' AND status = 'waiting' AND wait_event_type = $4`;
    if (this.sql.dialect.name === 'sqlite') {
      if (!(await this.sql.rows(`${waiting} LIMIT 1`, params)).length) return false;
      await this.sql.run(`UPDATE workflow_instance SET status = 'queued', updated_at = $5 WHERE ${KEY}`, params);
      await this.sql.run(`UPDATE workflow_task SET due_at = $5 WHERE ${KEY}`, params);
      return true;
    }
    // One round trip; the caller already holds both rows' locks.
    const [row] = await this.sql.rows<{ woke: number }>(
      `WITH waiting AS (${waiting} LIMIT 1),
       instance AS (UPDATE workflow_instance SET status = 'queued', updated_at = $5 WHERE ${KEY} AND EXISTS (SELECT 1 FROM waiting)),
       task AS (UPDATE workflow_task SET due_at = $5 WHERE ${KEY} AND EXISTS (SELECT 1 FROM waiting)),
       signal AS (SELECT pg_notify('${RUNNABLE_CHANNEL}', '') FROM waiting)
       SELECT (SELECT count(*) FROM signal)::int AS woke`,
      params,
    );
    return row.woke === 1;
  }

}

/**
 * Rows per INSERT: a statement may bind at most 32,766 parameters on SQLite (65,535 on
 * PostgreSQL), and a step row takes 19.
 */
export const MAX_ROWS_PER_INSERT = 500;

function chunks<T>(rows: T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < rows.length; i += MAX_ROWS_PER_INSERT) result.push(rows.slice(i, i + MAX_ROWS_PER_INSERT));
  return result;
}
