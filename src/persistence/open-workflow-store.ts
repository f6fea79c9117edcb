import type { DatabaseErrorKind } from './connection/database-errors';
import { type DatabaseOptions, dialectOf, sqlitePath } from './data-source-options';
import { PostgresWorkflowStore } from './postgres/postgres-workflow-store';
import type { SqlWorkflowStore } from './sql-workflow-store';
import { SqliteWorkflowStore } from './sqlite/sqlite-workflow-store';

export interface StoreOptions extends DatabaseOptions {
  /** Told of connection errors the pool recovers from by itself (PostgreSQL). */
  onConnectionError?: (error: Error) => void;
  /** Told of every failed statement, by kind (for metrics). */
  onDatabaseError?: (kind: DatabaseErrorKind) => void;
}

/** The store for the database `options.url` names, migrated and ready. */
export function openWorkflowStore(options: StoreOptions = {}): Promise<SqlWorkflowStore> {
  return dialectOf(options.url) === 'postgres'
    ? PostgresWorkflowStore.open({ url: options.url!, poolSize: options.poolSize, onConnectionError: options.onConnectionError, onDatabaseError: options.onDatabaseError })
    : SqliteWorkflowStore.open(sqlitePath(options.url), options.onDatabaseError);
}
