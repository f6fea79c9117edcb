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
 * MODULE_NOT_FOUND. Loaded with `require`, not `import()`: this is a CommonJS package, and a
 * dynamic import in it fails under jest on Node 20 (it would need --experimental-vm-modules), in
 * the host's tests and the testing kit's.
 */
function loadAdapter<T>(driver: 'pg' | 'better-sqlite3', load: () => T): T {
  try {
    return load();
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(`'${driver}'`);
    if (!missing) throw error;
    const database = driver === 'pg' ? 'PostgreSQL' : 'SQLite';
    throw new Error(`The ${database} driver is not installed: run \`npm install ${driver}\``);
  }
}

type PostgresAdapter = typeof import('./postgres/postgres-workflow-store.js');
type SqliteAdapter = typeof import('./sqlite/sqlite-workflow-store.js');

/** The store for the database `options.url` names, migrated and ready. */
export async function openWorkflowStore(options: StoreOptions = {}): Promise<SqlWorkflowStore> {
  if (dialectOf(options.url, options.pool) === 'postgres') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazily, as loadAdapter says why
    const { PostgresWorkflowStore } = loadAdapter('pg', () => require('./postgres/postgres-workflow-store.js') as PostgresAdapter);
    const { url, pool, poolSize, onConnectionError, onDatabaseError } = options;
    return PostgresWorkflowStore.open({ url, pool, poolSize, onConnectionError, onDatabaseError });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazily, as loadAdapter says why
  const { SqliteWorkflowStore } = loadAdapter('better-sqlite3', () => require('./sqlite/sqlite-workflow-store.js') as SqliteAdapter);
  return SqliteWorkflowStore.open(sqlitePath(options.url), options.onDatabaseError);
}
