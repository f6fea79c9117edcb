import type { DatabaseErrorKind } from './connection/database-errors';
import { type DatabaseOptions, dialectOf, sqlitePath } from './data-source-options';
import type { SqlWorkflowStore } from './sql-workflow-store';

export interface StoreOptions extends DatabaseOptions {
  /** Told of connection errors the pool recovers from by itself (PostgreSQL). */
  onConnectionError?: (error: Error) => void;
  /** Told of every failed statement, by kind (for metrics). */
  onDatabaseError?: (kind: DatabaseErrorKind) => void;
}

/**
 * `pg` comes with the package and `better-sqlite3` is an optional dependency (a failed native
 * build or `--omit=optional` leaves it out), so each adapter is loaded only when its database is
 * chosen, and a missing driver is named with the command that installs it rather than as a bare
 * MODULE_NOT_FOUND.
 */
async function loadAdapter<T>(driver: 'pg' | 'better-sqlite3', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(`'${driver}'`);
    if (!missing) throw error;
    const database = driver === 'pg' ? 'PostgreSQL' : 'SQLite';
    throw new Error(`The ${database} driver is not installed: run \`npm install ${driver}\``);
  }
}

/** The store for the database `options.url` names, migrated and ready. */
export async function openWorkflowStore(options: StoreOptions = {}): Promise<SqlWorkflowStore> {
  if (dialectOf(options.url, options.pool) === 'postgres') {
    const { PostgresWorkflowStore } = await loadAdapter('pg', () => import('./postgres/postgres-workflow-store.js'));
    const { url, pool, poolSize, onConnectionError, onDatabaseError } = options;
    return PostgresWorkflowStore.open({ url, pool, poolSize, onConnectionError, onDatabaseError });
  }
  const { SqliteWorkflowStore } = await loadAdapter('better-sqlite3', () => import('./sqlite/sqlite-workflow-store.js'));
  return SqliteWorkflowStore.open(sqlitePath(options.url), options.onDatabaseError);
}
