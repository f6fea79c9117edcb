import type { DatabaseConnection } from './connection/database-connection';
import { postgresMigrations } from './migrations/postgres';
import { sqliteMigrations } from './migrations/sqlite';

export interface InstanceCount {
  workflowName: string;
  status: string;
  count: number;
}

export interface DueRuns {
  workflowName: string;
  /** Runs whose due time has come and that nobody holds. */
  due: number;
  /** The earliest due time among them (epoch ms). */
  oldestDueAt: number;
}

/**
 * What health checks and metrics read from the database, outside the engine's own work. Each is
 * one statement (see docs/operations-metrics.md for its cost at scale).
 */
export class OperationalQueries {
  private readonly expectedMigrations: string[];

  constructor(private readonly connection: DatabaseConnection) {
    const migrations = connection.dialect.name === 'postgres' ? postgresMigrations : sqliteMigrations;
    this.expectedMigrations = migrations.map((migration) => new migration().name);
  }

  /** Resolves when the database answers a statement. */
  async ping(): Promise<void> {
    await this.connection.statement().rows('SELECT 1 AS ok');
  }

  /** The migrations this code knows that the database has not recorded as applied. */
  async pendingMigrations(): Promise<string[]> {
    const rows = await this.connection.statement().rows<{ name: string }>('SELECT name FROM workflow_migrations');
    const applied = new Set(rows.map((row) => row.name));
    return this.expectedMigrations.filter((name) => !applied.has(name));
  }

  /** Instances by workflow and status: one grouped count (a parallel scan on PostgreSQL at a million rows; docs/operations-metrics.md). */
  async instanceCounts(): Promise<InstanceCount[]> {
    const rows = await this.connection
      .statement()
      .rows<{ workflow_name: string; status: string; count: unknown }>(
        'SELECT workflow_name, status, count(*) AS count FROM workflow_instance GROUP BY workflow_name, status',
      );
    return rows.map((row) => ({ workflowName: row.workflow_name, status: row.status, count: Number(row.count) }));
  }

  /** Runs due at `now` by workflow, with the oldest due time: the queue's backlog. */
  async dueRuns(now: number): Promise<DueRuns[]> {
    const d = this.connection.dialect;
    const rows = await this.connection
      .statement()
      .rows<{ workflow_name: string; due: unknown; oldest: unknown }>(
        'SELECT workflow_name, count(*) AS due, min(due_at) AS oldest FROM workflow_task WHERE due_at <= $1 GROUP BY workflow_name',
        [d.time(now)],
      );
    return rows.map((row) => ({ workflowName: row.workflow_name, due: Number(row.due), oldestDueAt: d.readTime(row.oldest) ?? now }));
  }
}
