import type { EventRecord, InstanceKey, InstanceRecord, InstanceStatus, Lease, LogRecord, NewLogRecord, StepRecord } from '../engine/model';
import type {
  ClaimRequest,
  ClaimedRun,
  EventDelivery,
  FinishPatch,
  FinishResult,
  InstanceListQuery,
  LeaseCheck,
  LogQuery,
  PurgeQuery,
  RunStreamQuery,
  StoreTransaction,
  WorkflowStore,
} from '../engine/ports/store';
import type { DatabaseConnection } from './connection/database-connection';
import type { Dialect } from './sql/dialect';
import { eventFromRow, instanceFromRow, logFromRow, stepFromRow } from './sql/row-mappers';
import type { SqlExecutor } from './sql/sql-executor';
import { anyKey, keyMatch, keysetPage, runMatch } from './sql/sql-fragments';
import { SqlParams } from './sql/sql-params';
import type { SqlStoreTransaction } from './sql-store-transaction';

type Row = Record<string, unknown>;

/**
 * The store port in SQL, as both databases run it: reads, listings and history, settings, and
 * transactions. Each adapter (PostgreSQL, SQLite) adds the hot paths its database runs best,
 * its claims, its signals to other processes and its upkeep.
 */
export abstract class SqlWorkflowStore implements WorkflowStore {
  readonly dialect: Dialect;
  /** The migrations opening the store applied (for the start-up report); empty when it was up to date. */
  migrationsApplied: readonly string[] = [];

  protected constructor(readonly connection: DatabaseConnection) {
    this.dialect = connection.dialect;
  }

  abstract createInstances(instances: InstanceRecord[], dueAt: number): Promise<string[]>;
  abstract saveProgress(lease: Lease, steps: StepRecord[], logs: NewLogRecord[], delivery?: EventDelivery): Promise<LeaseCheck | null>;
  abstract finishRun(lease: Lease, patch: FinishPatch, steps: StepRecord[], logs: NewLogRecord[], wokenStatus: InstanceStatus): Promise<FinishResult>;
  abstract claimDue(request: ClaimRequest): Promise<ClaimedRun[]>;
  abstract housekeeping(): Promise<void>;
  abstract subscribeRunnable(onRunnable: () => void, onProblem: (message: string) => void): Promise<() => Promise<void>>;
  /** The adapter's transaction operations on one transaction's connection. */
  protected abstract transactionOn(sql: SqlExecutor): SqlStoreTransaction;

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.sqlTransaction(work);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  async findInstance(key: InstanceKey): Promise<InstanceRecord | null> {
    const p = new SqlParams();
    const [row] = await this.rows(`SELECT * FROM workflow_instance WHERE ${keyMatch(p, key)}`, p);
    return row ? instanceFromRow(this.dialect, row) : null;
  }

  async findInstances(keys: InstanceKey[]): Promise<InstanceRecord[]> {
    if (!keys.length) return [];
    const p = new SqlParams();
    const rows = await this.rows(`SELECT * FROM workflow_instance WHERE ${anyKey(p, keys)}`, p);
    return rows.map((row) => instanceFromRow(this.dialect, row));
  }

  async listInstances(query: InstanceListQuery): Promise<InstanceRecord[]> {
    const p = new SqlParams();
    let where = `workflow_name = ${p.add(query.workflowName)}`;
    if (query.status) where += ` AND status = ${p.add(query.status)}`;
    const descending = query.order === 'desc';
    if (query.after) {
      where += ` AND (created_at, instance_id) ${descending ? '<' : '>'} (${p.add(this.dialect.time(query.after.createdAt))}, ${p.add(query.after.instanceId)})`;
    }
    const direction = descending ? 'DESC' : 'ASC';
    const rows = await this.rows(
      `SELECT * FROM workflow_instance WHERE ${where} ORDER BY created_at ${direction}, instance_id ${direction} LIMIT ${p.add(query.limit)}`,
      p,
    );
    return rows.map((row) => instanceFromRow(this.dialect, row));
  }

  listSteps(query: RunStreamQuery<number>): Promise<StepRecord[]> {
    return this.runStream('workflow_step', 'seq', query, stepFromRow);
  }

  listEvents(query: RunStreamQuery<number>): Promise<EventRecord[]> {
    return this.runStream('workflow_event', 'seq', query, eventFromRow);
  }

  listLogs(query: LogQuery): Promise<LogRecord[]> {
    return this.runStream('workflow_log', 'id', query, logFromRow, (p) => {
      const filters: string[] = [];
      if (query.levels) filters.push(`level IN (${p.list(query.levels)})`);
      if (query.category) filters.push(`category = ${p.add(query.category)}`);
      return filters;
    });
  }

  async lastStep(key: InstanceKey, runNumber: number): Promise<StepRecord | null> {
    const p = new SqlParams();
    const [row] = await this.rows(`SELECT * FROM workflow_step WHERE ${runMatch(p, key, runNumber)} ORDER BY seq DESC LIMIT 1`, p);
    return row ? stepFromRow(this.dialect, row) : null;
  }

  async loadSteps(key: InstanceKey, runNumber: number): Promise<StepRecord[]> {
    const p = new SqlParams();
    const rows = await this.rows(`SELECT * FROM workflow_step WHERE ${runMatch(p, key, runNumber)}`, p);
    return rows.map((row) => stepFromRow(this.dialect, row));
  }

  async peekEvent(key: InstanceKey, runNumber: number, type: string, notAfter: number): Promise<EventRecord | null> {
    const p = new SqlParams();
    const [row] = await this.rows(
      `SELECT * FROM workflow_event
       WHERE ${runMatch(p, key, runNumber)} AND type = ${p.add(type)} AND delivered_at IS NULL AND created_at <= ${p.add(this.dialect.time(notAfter))}
       ORDER BY seq LIMIT 1`,
      p,
    );
    return row ? eventFromRow(this.dialect, row) : null;
  }

  async nextDueAt(workflowNames: string[]): Promise<number | null> {
    // Of no workflow, nothing is due (as nothing can be claimed).
    if (!workflowNames.length) return null;
    const p = new SqlParams();
    const [row] = await this.rows(`SELECT MIN(due_at) AS due FROM workflow_task WHERE due_at IS NOT NULL AND workflow_name IN (${p.list(workflowNames)})`, p);
    return this.dialect.readTime(row?.due ?? null);
  }

  async databaseNow(): Promise<number> {
    const [row] = await this.connection.statement().rows<{ now_ms: unknown }>(this.dialect.nowMsSql);
    return Math.round(Number(row.now_ms));
  }

  purgeFinished(query: PurgeQuery): Promise<number> {
    return this.sqlTransaction(async (tx) => {
      const ids = await tx.lockPurgeable(query);
      await tx.deleteInstances(query.workflowName, ids);
      return ids.length;
    });
  }

  async sharedSetting(name: string, create: () => string): Promise<string> {
    const read = async () => {
      const p = new SqlParams();
      return (await this.rows(`SELECT value FROM workflow_setting WHERE name = ${p.add(name)}`, p))[0];
    };
    const stored = await read();
    if (stored) return String(stored.value);
    // Whoever comes first writes it; everyone reads what was written.
    const insert = new SqlParams();
    await this.connection
      .statement()
      .run(`INSERT INTO workflow_setting (name, value) VALUES (${insert.list([name, create()])}) ON CONFLICT (name) DO NOTHING`, insert.values);
    return String((await read()).value);
  }

  /**
   * Ends a run in a transaction of several statements: the lease check locks the queue row first,
   * so a run that registered as waiting (awaitInstances) committed before, and the later look for
   * waiting runs, a statement of its own, sees it.
   */
  protected finishInTransaction(lease: Lease, patch: FinishPatch, steps: StepRecord[], logs: NewLogRecord[], wokenStatus: InstanceStatus): Promise<FinishResult> {
    return this.sqlTransaction(async (tx) => {
      if (!(await tx.checkLease(lease))) return { held: false, woke: false };
      await tx.saveSteps(steps);
      await tx.insertLogs(logs);
      await tx.updateInstance(lease, patch);
      await tx.deleteTask(lease);
      return { held: true, woke: await tx.wakeAwaiting(lease, patch.updatedAt, wokenStatus) };
    });
  }

  protected sqlTransaction<T>(work: (tx: SqlStoreTransaction) => Promise<T>): Promise<T> {
    return this.connection.transaction((sql) => work(this.transactionOn(sql)));
  }

  protected rows(sql: string, p: SqlParams): Promise<Row[]> {
    return this.connection.statement().rows(sql, p.values);
  }

  /** One page of a run's steps, events or logs, keyset-paged over `column`. */
  private async runStream<R>(
    table: string,
    column: string,
    query: RunStreamQuery<number>,
    map: (d: Dialect, row: Row) => R,
    filters: (p: SqlParams) => string[] = () => [],
  ): Promise<R[]> {
    const p = new SqlParams();
    const run = runMatch(p, query.key, query.runNumber);
    const page = keysetPage(p, column, query);
    const where = [run + page.where, ...filters(p)].join(' AND ');
    const rows = await this.rows(`SELECT * FROM ${table} WHERE ${where}${page.orderBy} LIMIT ${p.add(query.limit)}`, p);
    return rows.map((row) => map(this.dialect, row));
  }
}
