import type { Dialect } from '../sql/dialect';
import type { SqlExecutor } from '../sql/sql-executor';

/**
 * How the store reaches its database: a `pg` pool or one `better-sqlite3` handle, owned here
 * (TypeORM only runs the migrations). Every error leaves as one of the store's typed errors
 * (see database-errors.ts), and a transaction that lost a deadlock or a lock race is retried here,
 * never surfaced.
 */
export interface DatabaseConnection {
  readonly dialect: Dialect;
  /** For single statements: each one is its own transaction. */
  statement(): SqlExecutor;
  /** One connection for several statements in one transaction; `work` may run more than once. */
  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
