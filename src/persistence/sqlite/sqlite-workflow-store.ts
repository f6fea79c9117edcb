import { type InstanceRecord, type InstanceStatus, type Lease, type NewLogRecord, type StepRecord, unleasedTask } from '../../engine/model';
import type { ClaimRequest, ClaimedRun, EventDelivery, FinishPatch, FinishResult, LeaseCheck } from '../../engine/ports/store';
import type { DatabaseErrorKind } from '../connection/database-errors';
import { migrateSqlite } from '../migrations/run-migrations';
import { claimedRunOf } from '../sql/claimed-run';
import type { SqlExecutor } from '../sql/sql-executor';
import { keyMatch } from '../sql/sql-fragments';
import { SqlParams } from '../sql/sql-params';
import { SqlWorkflowStore } from '../sql-workflow-store';
import { SqliteConnection } from './sqlite-connection';
import { SqliteStoreTransaction } from './sqlite-store-transaction';

/**
 * The store on an SQLite file (or in memory), for one process: each hot path is one short
 * transaction, and a claim is a read followed by compare-and-set updates (SQLite runs one writer
 * at a time, so nothing can come between them).
 */
export class SqliteWorkflowStore extends SqlWorkflowStore {
  private constructor(connection: SqliteConnection) {
    super(connection);
  }

  /**
   * Opens the file (holding it exclusively for this process) and applies pending migrations.
   * Runs left leased by an earlier life of this process are then given back at once, instead of
   * after their leases expire: the exclusive lock proves no other process is running them.
   */
  static async open(path: string, onDatabaseError?: (kind: DatabaseErrorKind) => void): Promise<SqliteWorkflowStore> {
    const connection = new SqliteConnection(path, onDatabaseError);
    try {
      const migrations = await migrateSqlite(connection.handle, path);
      const store = new SqliteWorkflowStore(connection);
      store.migrationsApplied = migrations;
      await store.releaseAllLeases();
      return store;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  createInstances(instances: InstanceRecord[], dueAt: number): Promise<string[]> {
    if (!instances.length) return Promise.resolve([]);
    return this.sqlTransaction(async (tx) => {
      const inserted = new Set(await tx.insertInstances(instances));
      const created = instances.filter((instance) => inserted.has(instance.instanceId));
      await tx.putTasks(created.map((instance) => unleasedTask(instance, instance.runNumber, 'new', dueAt)));
      return [...inserted];
    });
  }

  saveProgress(lease: Lease, steps: StepRecord[], logs: NewLogRecord[], delivery?: EventDelivery): Promise<LeaseCheck | null> {
    return this.sqlTransaction(async (tx) => {
      const check = await tx.checkLease(lease);
      if (!check) return null;
      if (delivery && !(await tx.markEventDelivered(delivery.event, delivery.stepName, delivery.at))) {
        throw new Error(`Event ${delivery.event.id} was already delivered`);
      }
      await tx.saveSteps(steps);
      await tx.insertLogs(logs);
      return check;
    });
  }

  /** One writer at a time: the transaction sees every run that waits for this one. */
  finishRun(lease: Lease, patch: FinishPatch, steps: StepRecord[], logs: NewLogRecord[], wokenStatus: InstanceStatus): Promise<FinishResult> {
    return this.finishInTransaction(lease, patch, steps, logs, wokenStatus);
  }

  claimDue(request: ClaimRequest): Promise<ClaimedRun[]> {
    if (!request.workflowNames.length || request.limit < 1) return Promise.resolve([]);
    const token = request.newToken();
    const d = this.dialect;
    return this.connection.transaction(async (sql) => {
      const due = new SqlParams();
      const candidates = await sql.rows<{ workflow_name: string; instance_id: string; lease_owner: string | null }>(
        `SELECT workflow_name, instance_id, lease_owner FROM workflow_task
         WHERE due_at <= ${due.add(d.time(request.now))} AND workflow_name IN (${due.list(request.workflowNames)})
         ORDER BY kind, due_at, workflow_name, instance_id LIMIT ${due.add(request.limit)}`,
        due.values,
      );
      const claimed: ClaimedRun[] = [];
      for (const candidate of candidates) {
        const key = { workflowName: candidate.workflow_name, instanceId: candidate.instance_id };
        const lease = new SqlParams();
        const expiry = d.time(request.now + request.leaseMs);
        const taken = await sql.run(
          `UPDATE workflow_task SET lease_owner = ${lease.add(request.owner)}, lease_token = ${lease.add(token)},
             due_at = ${lease.add(expiry)}, lease_expires_at = ${lease.add(expiry)}
           WHERE ${keyMatch(lease, key)} AND due_at <= ${lease.add(d.time(request.now))}`,
          lease.values,
        );
        if (taken !== 1) continue;
        const before = new SqlParams();
        const [{ started_at }] = await sql.rows(`SELECT started_at FROM workflow_instance WHERE ${keyMatch(before, key)}`, before.values);
        const claim = new SqlParams();
        const now = d.time(request.now);
        const [row] = await sql.rows(
          `UPDATE workflow_instance AS i
           SET status = CASE WHEN (SELECT pause_requested FROM workflow_task t WHERE ${keyMatch(claim, key, 't')})
               THEN ${claim.add(request.statuses.pausing)} ELSE ${claim.add(request.statuses.running)} END,
             started_at = COALESCE(i.started_at, ${claim.add(now)}), updated_at = ${claim.add(now)}
           WHERE ${keyMatch(claim, key, 'i')} RETURNING *`,
          claim.values,
        );
        const takenOver = candidate.lease_owner !== null && candidate.lease_owner !== request.owner;
        claimed.push(claimedRunOf(d, row, token, { firstClaim: started_at === null, takenOver }));
      }
      return claimed;
    });
  }

  /** Nothing to keep up: SQLite's planner needs no fresh statistics for the queue's index. */
  async housekeeping(): Promise<void> {}

  /** One process, so no other one ever signals: local wake-ups go through the engine directly. */
  async subscribeRunnable(): Promise<() => Promise<void>> {
    return async () => undefined;
  }

  protected transactionOn(sql: SqlExecutor): SqliteStoreTransaction {
    return new SqliteStoreTransaction(sql);
  }

  /** Every run goes back to the queue, due now, held by nobody. */
  private async releaseAllLeases(): Promise<void> {
    const p = new SqlParams();
    await this.connection
      .statement()
      .run(`UPDATE workflow_task SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, due_at = ${p.add(Date.now())} WHERE lease_token IS NOT NULL`, p.values);
  }
}
