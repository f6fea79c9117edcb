import type { InstanceRecord, InstanceStatus, Lease, NewLogRecord, StepRecord } from '../../engine/model';
import type { ClaimRequest, ClaimedRun, EventDelivery, FinishPatch, FinishResult, LeaseCheck } from '../../engine/ports/store';
import type { ClientConfig } from 'pg';
import { postgresSettingsOf } from '../data-source-options';
import { migratePostgres } from '../migrations/run-migrations';
import { claimedRunOf } from '../sql/claimed-run';
import type { SqlExecutor } from '../sql/sql-executor';
import { SqlWorkflowStore } from '../sql-workflow-store';
import { PostgresConnection, type PostgresConnectionOptions } from './postgres-connection';
import { claimStatement, createInstancesStatement, deliverStatement, finishRunStatement, saveProgressStatement, type Statement } from './postgres-statements';
import { PostgresStoreTransaction } from './postgres-store-transaction';
import { PostgresWakeListener } from './postgres-wake-listener';

/**
 * The store on PostgreSQL, for production and for several processes: every hot path is one
 * statement, claims skip rows other runners hold (`FOR UPDATE SKIP LOCKED`), and other processes
 * learn of runnable work through NOTIFY, heard on a LISTEN connection of their own.
 */
export class PostgresWorkflowStore extends SqlWorkflowStore {
  private autovacuumOn?: boolean;

  private constructor(
    connection: PostgresConnection,
    /** Where the LISTEN connection of its own connects. */
    private readonly settings: ClientConfig,
  ) {
    super(connection);
  }

  /** Applies pending migrations, then opens the store's own pool. */
  static async open(options: PostgresConnectionOptions): Promise<PostgresWorkflowStore> {
    const migrations = await migratePostgres(options);
    const store = new PostgresWorkflowStore(new PostgresConnection(options), postgresSettingsOf(options));
    store.migrationsApplied = migrations;
    return store;
  }

  async createInstances(instances: InstanceRecord[], dueAt: number): Promise<string[]> {
    if (!instances.length) return [];
    const rows = await this.send<{ instance_id: string }>(createInstancesStatement(instances, dueAt));
    return rows.map((row) => row.instance_id);
  }

  async saveProgress(lease: Lease, steps: StepRecord[], logs: NewLogRecord[], delivery?: EventDelivery): Promise<LeaseCheck | null> {
    const statement = delivery ? deliverStatement(lease, steps, logs, delivery) : saveProgressStatement(lease, steps, logs);
    const [row] = await this.send<{ pause_requested: boolean; delivered?: number }>(statement);
    if (!row) return null;
    if (delivery && row.delivered !== 1) throw new Error(`Event ${delivery.event.id} was already delivered`);
    return { pauseRequested: row.pause_requested };
  }

  /**
   * One statement, unless some run ever waited for this instance: then the statement writes
   * nothing and the run ends in a transaction that wakes the runs waiting (see finishInTransaction).
   */
  async finishRun(lease: Lease, patch: FinishPatch, steps: StepRecord[], logs: NewLogRecord[], wokenStatus: InstanceStatus): Promise<FinishResult> {
    const [row] = await this.send<{ held: number; awaited: number }>(finishRunStatement(lease, patch, steps, logs));
    if (row.awaited === 1) return this.finishInTransaction(lease, patch, steps, logs, wokenStatus);
    return { held: row.held === 1, woke: false };
  }

  async claimDue(request: ClaimRequest): Promise<ClaimedRun[]> {
    if (!request.workflowNames.length || request.limit < 1) return [];
    // One lease token serves the whole batch: it is fresh for this claim, and fencing always
    // pairs it with the run's key and number.
    const token = request.newToken();
    const rows = await this.send(claimStatement(request, token));
    return rows.map((row) => claimedRunOf(this.dialect, row, token, { firstClaim: Boolean(row.first_claim), takenOver: Boolean(row.taken_over) }));
  }

  /**
   * Claims read the queue through its due index only while the planner knows how big the queue
   * is. Autovacuum keeps that knowledge fresh (see the queue-autovacuum migration); where it is
   * switched off, the store analyzes the queue table itself.
   */
  async housekeeping(): Promise<void> {
    const sql = this.connection.statement();
    this.autovacuumOn ??= (await sql.rows<{ on: boolean }>(`SELECT current_setting('autovacuum') = 'on' AS on`))[0].on;
    if (!this.autovacuumOn) await sql.run('ANALYZE workflow_task');
  }

  async subscribeRunnable(onRunnable: () => void, onProblem: (message: string) => void): Promise<() => Promise<void>> {
    const listener = new PostgresWakeListener(this.settings, onRunnable, onProblem);
    await listener.start();
    return () => listener.stop();
  }

  protected transactionOn(sql: SqlExecutor): PostgresStoreTransaction {
    return new PostgresStoreTransaction(sql);
  }

  private send<T = Record<string, unknown>>(statement: Statement): Promise<T[]> {
    return this.connection.statement().rows<T>(statement.text, statement.values);
  }
}
