import { type EventRecord, type InstanceKey, type InstanceRecord, type Lease, type LogRecord, type NewLogRecord, type StepRecord, unleasedTask } from '../engine/model';
import type {
  ClaimRequest,
  ClaimedRun,
  EventDelivery,
  FinishPatch,
  InstanceListQuery,
  LeaseCheck,
  StoreTransaction,
  LogQuery,
  RunStreamQuery,
  WorkflowStore,
} from '../engine/ports/store';
import { claimDue } from './claim-due';
import type { DatabaseConnection } from './connection/database-connection';
import { PostgresConnection } from './connection/postgres-connection';
import { SqliteConnection } from './connection/sqlite-connection';
import { type DatabaseOptions, dialectOf, sqlitePath } from './data-source-options';
import type { Dialect } from './dialect';
import { migratePostgres, migrateSqlite } from './migrations/run-migrations';
import { eventFromRow, instanceFromRow, logFromRow, stepFromRow } from './row-mappers';
import { KEY, RUN_KEY, keysetPage } from './sql-fragments';
import { SqlExecutor } from './sql-executor';
import { createInstancesInOneStatement, finishRunInOneStatement, saveProgressInOneStatement } from './single-statement-writes';
import { MAX_ROWS_PER_INSERT, SqlStoreTransaction } from './sql-store-transaction';

/**
 * The store port on TypeORM: PostgreSQL for production and several processes, SQLite for the
 * embedded default. Hot paths are hand-written SQL (one statement where one will do); TypeORM
 * provides the connections, the entities and the migrations.
 */
export class TypeormWorkflowStore implements WorkflowStore {
  readonly dialect: Dialect;
  private autovacuumOn?: boolean;

  constructor(readonly connection: DatabaseConnection) {
    this.dialect = connection.dialect;
  }

  /**
   * Connects to the database `options` name and applies pending migrations. On SQLite, whose
   * file this process now holds exclusively, runs left leased by an earlier life of this process
   * are given back at once instead of after their leases expire.
   */
  static async connect(options: DatabaseOptions & { onConnectionError?: (error: Error) => void }): Promise<TypeormWorkflowStore> {
    if (dialectOf(options.url) === 'postgres') {
      await migratePostgres(options.url!);
      return new TypeormWorkflowStore(new PostgresConnection({ url: options.url!, poolSize: options.poolSize, onConnectionError: options.onConnectionError }));
    }
    const path = sqlitePath(options.url);
    const connection = new SqliteConnection(path);
    try {
      await migrateSqlite(connection.handle, path);
      const store = new TypeormWorkflowStore(connection);
      await store.releaseAllLeases();
      return store;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    return this.sqlTransaction(work);
  }

  createInstances(instances: InstanceRecord[], dueAt: number): Promise<string[]> {
    if (!instances.length) return Promise.resolve([]);
    if (this.dialect.name === 'postgres') return createInstancesInOneStatement(this.connection.statement(), instances, dueAt);
    return this.sqlTransaction(async (tx) => {
      const inserted = new Set(await tx.insertInstances(instances));
      await tx.putTasks(instances.filter((i) => inserted.has(i.instanceId)).map((i) => unleasedTask(i, 1, 'new', dueAt)));
      return [...inserted];
    });
  }

  saveProgress(lease: Lease, steps: StepRecord[], logs: NewLogRecord[], delivery?: EventDelivery): Promise<LeaseCheck | null> {
    if (this.oneStatement(steps, logs)) return saveProgressInOneStatement(this.connection.statement(), lease, steps, logs, delivery);
    return this.sqlTransaction(async (tx) => {
      const check = await tx.checkLease(lease);
      if (check) {
        if (delivery && !(await tx.markEventDelivered(delivery.event, delivery.stepName, delivery.at))) {
          throw new Error(`Event ${delivery.event.id} was already delivered`);
        }
        await tx.saveSteps(steps);
        await tx.insertLogs(logs);
      }
      return check;
    });
  }

  finishRun(lease: Lease, patch: FinishPatch, steps: StepRecord[], logs: NewLogRecord[]): Promise<boolean> {
    if (this.oneStatement(steps, logs)) return finishRunInOneStatement(this.connection.statement(), lease, patch, steps, logs);
    return this.sqlTransaction(async (tx) => {
      if (!(await tx.checkLease(lease))) return false;
      await tx.saveSteps(steps);
      await tx.insertLogs(logs);
      await tx.updateInstance(lease, patch);
      await tx.deleteTask(lease);
      return true;
    });
  }

  findInstance(key: InstanceKey): Promise<InstanceRecord | null> {
    return this.read(async (sql) => {
      const [row] = await sql.rows(`SELECT * FROM workflow_instance WHERE ${KEY}`, [key.workflowName, key.instanceId]);
      return row ? instanceFromRow(this.dialect, row) : null;
    });
  }

  listInstances(query: InstanceListQuery): Promise<InstanceRecord[]> {
    return this.read(async (sql) => {
      const params: unknown[] = [query.workflowName];
      let where = 'workflow_name = $1';
      if (query.status) {
        params.push(query.status);
        where += ` AND status = $${params.length}`;
      }
      const descending = query.order === 'desc';
      if (query.after) {
        params.push(this.dialect.time(query.after.createdAt), query.after.instanceId);
        where += ` AND (created_at, instance_id) ${descending ? '<' : '>'} ($${params.length - 1}, $${params.length})`;
      }
      params.push(query.limit);
      const direction = descending ? 'DESC' : 'ASC';
      const rows = await sql.rows(
        `SELECT * FROM workflow_instance WHERE ${where}
         ORDER BY created_at ${direction}, instance_id ${direction} LIMIT $${params.length}`,
        params,
      );
      return rows.map((row) => instanceFromRow(this.dialect, row));
    });
  }

  listSteps(query: RunStreamQuery<number>): Promise<StepRecord[]> {
    return this.readRunStream('workflow_step', 'seq', query, stepFromRow);
  }

  listEvents(query: RunStreamQuery<number>): Promise<EventRecord[]> {
    return this.readRunStream('workflow_event', 'seq', query, eventFromRow);
  }

  listLogs(query: LogQuery): Promise<LogRecord[]> {
    const filters: string[] = [];
    const extra: unknown[] = [];
    // Filters come after the three key parameters and the keyset parameter (if any).
    const next = () => 4 + (query.after === undefined ? 0 : 1) + extra.length;
    if (query.levels) {
      filters.push(`level IN (${this.dialect.list(next(), query.levels.length)})`);
      extra.push(...query.levels);
    }
    if (query.category) {
      filters.push(`category = $${next()}`);
      extra.push(query.category);
    }
    return this.readRunStream('workflow_log', 'id', query, logFromRow, filters, extra);
  }

  lastStep(key: InstanceKey, runNumber: number): Promise<StepRecord | null> {
    return this.read(async (sql) => {
      const [row] = await sql.rows(`SELECT * FROM workflow_step WHERE ${RUN_KEY} ORDER BY seq DESC LIMIT 1`, [
        key.workflowName,
        key.instanceId,
        runNumber,
      ]);
      return row ? stepFromRow(this.dialect, row) : null;
    });
  }

  loadSteps(key: InstanceKey, runNumber: number): Promise<StepRecord[]> {
    return this.read(async (sql) => {
      const rows = await sql.rows(`SELECT * FROM workflow_step WHERE ${RUN_KEY}`, [key.workflowName, key.instanceId, runNumber]);
      return rows.map((row) => stepFromRow(this.dialect, row));
    });
  }

  peekEvent(key: InstanceKey, runNumber: number, type: string, notAfter: number): Promise<EventRecord | null> {
    return this.read(async (sql) => {
      const [row] = await sql.rows(
        `SELECT * FROM workflow_event
         WHERE ${RUN_KEY} AND type = $4 AND delivered_at IS NULL AND created_at <= $5
         ORDER BY seq LIMIT 1`,
        [key.workflowName, key.instanceId, runNumber, type, this.dialect.time(notAfter)],
      );
      return row ? eventFromRow(this.dialect, row) : null;
    });
  }

  claimDue(request: ClaimRequest): Promise<ClaimedRun[]> {
    if (!request.workflowNames.length || request.limit < 1) return Promise.resolve([]);
    // One statement on PostgreSQL; a read and compare-and-set updates on SQLite.
    return this.dialect.name === 'postgres'
      ? claimDue(this.connection.statement(), request)
      : this.connection.transaction((sql) => claimDue(sql, request));
  }

  nextDueAt(workflowNames: string[]): Promise<number | null> {
    return this.read(async (sql) => {
      const filter = workflowNames.length ? ` AND workflow_name IN (${this.dialect.list(1, workflowNames.length)})` : '';
      const [row] = await sql.rows<{ due: unknown }>(
        `SELECT MIN(due_at) AS due FROM workflow_task WHERE due_at IS NOT NULL${filter}`,
        workflowNames,
      );
      return this.dialect.readTime(row?.due ?? null);
    });
  }

  databaseNow(): Promise<number> {
    return this.read(async (sql) => {
      const [row] = await sql.rows<{ now_ms: unknown }>(this.dialect.nowMsSql);
      return Math.round(Number(row.now_ms));
    });
  }

  /**
   * Claims read the queue through its due index only while the planner knows how big the queue
   * is. Autovacuum keeps that knowledge fresh (see the queue-autovacuum migration); where it is
   * switched off, the store analyzes the queue table itself.
   */
  async housekeeping(): Promise<void> {
    if (this.dialect.name !== 'postgres') return;
    this.autovacuumOn ??= (await this.read((sql) => sql.rows<{ on: boolean }>(`SELECT current_setting('autovacuum') = 'on' AS on`)))[0].on;
    if (!this.autovacuumOn) await this.read((sql) => sql.run('ANALYZE workflow_task'));
  }

  private readRunStream<R>(
    table: string,
    column: string,
    query: RunStreamQuery<number>,
    map: (d: Dialect, row: Record<string, unknown>) => R,
    filters: string[] = [],
    filterParams: unknown[] = [],
  ): Promise<R[]> {
    return this.read(async (sql) => {
      const page = keysetPage(column, query, 4);
      const params = [query.key.workflowName, query.key.instanceId, query.runNumber, ...page.params, ...filterParams, query.limit];
      const where = [RUN_KEY + page.where, ...filters].join(' AND ');
      const rows = await sql.rows(`SELECT * FROM ${table} WHERE ${where}${page.orderBy} LIMIT $${params.length}`, params);
      return rows.map((row) => map(this.dialect, row));
    });
  }

  /** PostgreSQL's single-statement hot path, unless the rows would not fit one statement's parameters. */
  private oneStatement(steps: StepRecord[], logs: NewLogRecord[]): boolean {
    return this.dialect.name === 'postgres' && steps.length <= MAX_ROWS_PER_INSERT && logs.length <= MAX_ROWS_PER_INSERT;
  }

  async sharedSetting(name: string, create: () => string): Promise<string> {
    const sql = this.connection.statement();
    await sql.run('INSERT INTO workflow_setting (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, create()]);
    const [row] = await sql.rows<{ value: string }>('SELECT value FROM workflow_setting WHERE name = $1', [name]);
    return row.value;
  }

  /** Every run goes back to the queue, due now, held by nobody. */
  private async releaseAllLeases(): Promise<void> {
    await this.connection
      .statement()
      .run('UPDATE workflow_task SET lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, due_at = $1 WHERE lease_token IS NOT NULL', [
        this.dialect.time(Date.now()),
      ]);
  }

  private sqlTransaction<T>(work: (tx: SqlStoreTransaction) => Promise<T>): Promise<T> {
    return this.connection.transaction((sql) => work(new SqlStoreTransaction(sql)));
  }

  private read<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    return work(this.connection.statement());
  }
}
