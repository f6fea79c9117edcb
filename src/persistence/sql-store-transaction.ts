import type { EventRecord, InstanceKey, InstanceRecord, InstanceStatus, Lease, NewEventRecord, NewLogRecord, ParentClosePolicy, StepRecord, TaskRecord } from '../engine/model';
import type { InstancePatch, LeaseCheck, PurgeQuery, StoreTransaction } from '../engine/ports/store';
import { eventFromRow, instanceFromRow, taskFromRow } from './sql/row-mappers';
import { INSTANCE_ROW, LOG_ROW, type RowEncoding, STEP_ROW, STEP_UPSERT, TASK_ROW, TASK_UPSERT, valuesList } from './sql/row-encoders';
import { keyMatch, runMatch } from './sql/sql-fragments';
import type { SqlExecutor } from './sql/sql-executor';
import { SqlParams } from './sql/sql-params';
import { awaitInstances, wakeAwaiting } from './sql/instance-waits';

/** Columns an instance patch may set, and how each is bound. */
const INSTANCE_PATCH: { [K in keyof InstancePatch]-?: (p: InstancePatch, time: (ms: number | null) => unknown) => [string, unknown][] } = {
  runNumber: (p) => [['run_number', p.runNumber]],
  parent: (p) => [
    ['parent_workflow_name', p.parent?.workflowName ?? null],
    ['parent_instance_id', p.parent?.instanceId ?? null],
    ['parent_run_number', p.parent?.runNumber ?? null],
  ],
  parentClosePolicy: (p) => [['parent_close_policy', p.parentClosePolicy ?? null]],
  status: (p) => [['status', p.status]],
  params: (p) => [['params', p.params]],
  output: (p) => [['output', p.output]],
  error: (p) => [
    ['error_name', p.error?.name ?? null],
    ['error_message', p.error?.message ?? null],
  ],
  updatedAt: (p, time) => [['updated_at', time(p.updatedAt!)]],
  startedAt: (p, time) => [['started_at', time(p.startedAt ?? null)]],
  completedAt: (p, time) => [['completed_at', time(p.completedAt ?? null)]],
};

/** Every table holding rows of an instance, its own row last. */
const INSTANCE_TABLES = ['workflow_task', 'workflow_step', 'workflow_event', 'workflow_log', 'workflow_instance'];

/**
 * Rows per INSERT: a statement may bind at most 32,766 parameters on SQLite, and a step row
 * takes 21.
 */
const MAX_ROWS_PER_INSERT = 500;

/**
 * The write-side operations of the store on one transaction's connection, as both databases run
 * them; an adapter adds how it signals other processes and wakes a waiting run.
 */
export abstract class SqlStoreTransaction implements StoreTransaction {
  constructor(protected readonly sql: SqlExecutor) {}

  abstract signalRunnable(): Promise<void>;
  abstract wakeIfWaitingFor(key: InstanceKey, runNumber: number, type: string, now: number, status: InstanceStatus): Promise<boolean>;

  protected time(ms: number | null): unknown {
    return this.sql.dialect.time(ms);
  }

  async lockInstance(key: InstanceKey) {
    const { forUpdate, forUpdateNoWait } = this.sql.dialect;
    const select = async (table: string, lock: string) => {
      const p = new SqlParams();
      return (await this.sql.rows(`SELECT * FROM ${table} WHERE ${keyMatch(p, key)}${lock}`, p.values))[0];
    };
    let task = await select('workflow_task', forUpdate);
    const instance = await select('workflow_instance', forUpdate);
    // A finished instance has no queue row to lock first; a restart may have given it one while
    // this transaction waited for the instance row, and a runner may be claiming it now. Waiting
    // for that row while holding the instance row would be the reverse of the lock order (and a
    // deadlock with the claim), so take it only if it is free: otherwise the transaction fails as
    // a lock conflict and the connection runs it again, this time finding the row first.
    task ??= await select('workflow_task', forUpdateNoWait);
    const d = this.sql.dialect;
    return { instance: instance ? instanceFromRow(d, instance) : null, task: task ? taskFromRow(d, task) : null };
  }

  async hasInstancesOf(workflowName: string): Promise<boolean> {
    const p = new SqlParams();
    return (await this.sql.rows(`SELECT 1 FROM workflow_instance WHERE workflow_name = ${p.add(workflowName)} LIMIT 1`, p.values)).length > 0;
  }

  async fenceLease(lease: Lease, expiresAt: number): Promise<LeaseCheck | null> {
    // RETURNING reads the row as this UPDATE leaves it, after any lock wait: a pause committed
    // meanwhile is seen.
    const p = new SqlParams();
    const expiry = p.add(this.time(expiresAt));
    const [row] = await this.sql.rows<{ pause_requested: unknown }>(
      `UPDATE workflow_task SET due_at = ${expiry}, lease_expires_at = ${expiry}
       WHERE ${runMatch(p, lease, lease.runNumber)} AND lease_token = ${p.add(lease.token)} RETURNING pause_requested`,
      p.values,
    );
    return row ? { pauseRequested: Boolean(row.pause_requested) } : null;
  }

  async updateInstance(key: InstanceKey, patch: InstancePatch): Promise<void> {
    const assignments = (Object.keys(patch) as (keyof InstancePatch)[]).flatMap((field) => INSTANCE_PATCH[field](patch, (ms) => this.time(ms)));
    if (!assignments.length) return;
    const p = new SqlParams();
    const set = assignments.map(([column, value]) => `${column} = ${p.add(value)}`).join(', ');
    await this.sql.run(`UPDATE workflow_instance SET ${set} WHERE ${keyMatch(p, key)}`, p.values);
  }

  async putTasks(tasks: TaskRecord[]): Promise<void> {
    await this.insertRows('workflow_task', TASK_ROW, tasks, TASK_UPSERT);
  }

  async deleteTask(key: InstanceKey): Promise<void> {
    const p = new SqlParams();
    await this.sql.run(`DELETE FROM workflow_task WHERE ${keyMatch(p, key)}`, p.values);
  }

  async deleteInstances(workflowName: string, instanceIds: string[]): Promise<void> {
    if (!instanceIds.length) return;
    // Each table is read through an index that starts with (workflow_name, instance_id); the
    // instance row goes last, as the lock order has it.
    for (const table of INSTANCE_TABLES) {
      const p = new SqlParams();
      await this.sql.run(`DELETE FROM ${table} WHERE workflow_name = ${p.add(workflowName)} AND instance_id ${this.sql.dialect.anyOf(p, instanceIds)}`, p.values);
    }
    // Their children outlive them as orphans: a parent re-created under the same id must not take
    // an old child (a derived id repeats) for one of its own run.
    const p = new SqlParams();
    await this.sql.run(
      `UPDATE workflow_instance SET parent_workflow_name = NULL, parent_instance_id = NULL, parent_run_number = NULL, parent_close_policy = NULL
       WHERE parent_workflow_name = ${p.add(workflowName)} AND parent_instance_id ${this.sql.dialect.anyOf(p, instanceIds)}`,
      p.values,
    );
  }

  /**
   * Locks and returns the ids of one purge batch, oldest finished first, found through the
   * (workflow_name, completed_at) index; rows another transaction holds are passed over.
   */
  async lockPurgeable(query: PurgeQuery): Promise<string[]> {
    const p = new SqlParams();
    const rows = await this.sql.rows<{ instance_id: string }>(
      `SELECT instance_id FROM workflow_instance
       WHERE workflow_name = ${p.add(query.workflowName)} AND completed_at < ${p.add(this.time(query.completedBefore))}
         AND status ${this.sql.dialect.anyOf(p, query.statuses)}
       ORDER BY completed_at LIMIT ${p.add(query.limit)}${this.sql.dialect.forUpdateSkipLocked}`,
      p.values,
    );
    return rows.map((row) => row.instance_id);
  }

  async saveSteps(steps: StepRecord[]): Promise<void> {
    await this.insertRows('workflow_step', STEP_ROW, steps, STEP_UPSERT);
  }

  async insertLogs(logs: NewLogRecord[]): Promise<void> {
    await this.insertRows('workflow_log', LOG_ROW, logs);
  }

  async insertEvent(event: NewEventRecord): Promise<EventRecord> {
    // Sequence numbers are per instance; the caller holds the instance lock, so MAX()+1 is safe.
    // The key is bound twice: PostgreSQL types a parameter once, and a column value and a
    // comparison operand would deduce different types.
    const p = new SqlParams();
    const [row] = await this.sql.rows<{ seq: number }>(
      `INSERT INTO workflow_event (workflow_name, instance_id, id, run_number, seq, type, payload, created_at)
       VALUES (${p.list([event.workflowName, event.instanceId, event.id, event.runNumber])},
         (SELECT COALESCE(MAX(seq), 0) + 1 FROM workflow_event WHERE ${keyMatch(p, event)}),
         ${p.list([event.type, event.payload, this.time(event.createdAt)])})
       RETURNING seq`,
      p.values,
    );
    return { ...event, seq: Number(row.seq) };
  }

  async findEvent(key: InstanceKey, eventId: string): Promise<EventRecord | null> {
    const p = new SqlParams();
    const [row] = await this.sql.rows(`SELECT * FROM workflow_event WHERE ${keyMatch(p, key)} AND id = ${p.add(eventId)}`, p.values);
    return row ? eventFromRow(this.sql.dialect, row) : null;
  }

  async hasDeliverableEvent(key: InstanceKey, runNumber: number, waits: { type: string; deadline: number }[]) {
    if (!waits.length) return false;
    const p = new SqlParams();
    const where = runMatch(p, key, runNumber);
    const matches = waits.map((w) => `(type = ${p.add(w.type)} AND created_at <= ${p.add(this.time(w.deadline))})`).join(' OR ');
    const rows = await this.sql.rows(`SELECT 1 AS found FROM workflow_event WHERE ${where} AND delivered_at IS NULL AND (${matches}) LIMIT 1`, p.values);
    return rows.length > 0;
  }

  /** The lease check without extending it; it locks the queue row where the database has row locks. */
  async checkLease(lease: Lease): Promise<LeaseCheck | null> {
    const p = new SqlParams();
    const [row] = await this.sql.rows<{ pause_requested: unknown }>(
      `SELECT pause_requested FROM workflow_task WHERE ${runMatch(p, lease, lease.runNumber)} AND lease_token = ${p.add(lease.token)}${this.sql.dialect.forUpdate}`,
      p.values,
    );
    return row ? { pauseRequested: Boolean(row.pause_requested) } : null;
  }

  async insertInstances(instances: InstanceRecord[]): Promise<string[]> {
    if (!instances.length) return [];
    const p = new SqlParams();
    const inserted = await this.sql.rows<{ instance_id: string }>(
      `INSERT INTO workflow_instance (${INSTANCE_ROW.columns}) VALUES ${valuesList(this.sql.dialect, p, INSTANCE_ROW, instances)}
       ON CONFLICT (workflow_name, instance_id) DO NOTHING RETURNING instance_id`,
      p.values,
    );
    return inserted.map((row) => row.instance_id);
  }

  awaitInstances(keys: InstanceKey[]): Promise<boolean> {
    return awaitInstances(this.sql, keys);
  }

  async wakeAwaiting(key: InstanceKey, now: number, status: InstanceStatus): Promise<boolean> {
    const woke = await wakeAwaiting(this.sql, key, now, status);
    if (woke) await this.signalRunnable();
    return woke;
  }

  async listChildren(parent: InstanceKey, policy: ParentClosePolicy, finished: readonly InstanceStatus[]): Promise<InstanceKey[]> {
    const p = new SqlParams();
    const rows = await this.sql.rows<{ workflow_name: string; instance_id: string }>(
      `SELECT workflow_name, instance_id FROM workflow_instance
       WHERE parent_workflow_name = ${p.add(parent.workflowName)} AND parent_instance_id = ${p.add(parent.instanceId)}
         AND parent_close_policy = ${p.add(policy)} AND status NOT IN (${p.list(finished)})
       ORDER BY workflow_name, instance_id`,
      p.values,
    );
    return rows.map((row) => ({ workflowName: row.workflow_name, instanceId: row.instance_id }));
  }

  /** Consumes an undelivered event for `stepName`; false when it was delivered already. */
  async markEventDelivered(event: EventRecord, stepName: string, at: number): Promise<boolean> {
    const p = new SqlParams();
    const changed = await this.sql.run(
      `UPDATE workflow_event SET delivered_at = ${p.add(this.time(at))}, consumed_by_step = ${p.add(stepName)}
       WHERE ${keyMatch(p, event)} AND id = ${p.add(event.id)} AND delivered_at IS NULL`,
      p.values,
    );
    return changed === 1;
  }

  /** Inserts `records`, a statement per MAX_ROWS_PER_INSERT of them. */
  private async insertRows<R>(table: string, encoding: RowEncoding<R>, records: R[], onConflict = ''): Promise<void> {
    for (let first = 0; first < records.length; first += MAX_ROWS_PER_INSERT) {
      const p = new SqlParams();
      const rows = valuesList(this.sql.dialect, p, encoding, records.slice(first, first + MAX_ROWS_PER_INSERT));
      await this.sql.run(`INSERT INTO ${table} (${encoding.columns}) VALUES ${rows} ${onConflict}`, p.values);
    }
  }
}
