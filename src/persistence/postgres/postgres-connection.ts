import { createHash } from 'node:crypto';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { DatabaseConnection } from '../connection/database-connection';
import type { DatabaseErrorKind } from '../connection/database-errors';
import { runGuarded } from '../connection/run-guarded';
import { postgresDialect } from '../sql/dialect';
import { type RawQuery, SqlExecutor } from '../sql/sql-executor';
import { postgresErrorKind } from './postgres-errors';

export interface PostgresConnectionOptions {
  url?: string;
  poolSize?: number;
  /** A host application's pool: used as it is, and left open on close. */
  pool?: Pool;
  /** Told of connection errors the pool recovers from by itself (a killed backend, a restart). */
  onConnectionError?: (error: Error) => void;
  /** Told of every failed statement or connection attempt, by kind (for metrics). */
  onDatabaseError?: (kind: DatabaseErrorKind) => void;
}

/**
 * PostgreSQL through a `pg` pool of its own. Every client has an error listener for its whole
 * life: pg-pool listens only while a client is idle, so a backend killed while a client is checked
 * out, or between two statements of a transaction, would otherwise be an unhandled 'error' event
 * that ends the process.
 */
export class PostgresConnection implements DatabaseConnection {
  readonly dialect = postgresDialect;
  private readonly pool: Pool;
  private readonly statements: SqlExecutor;
  private readonly reportFailure: (error: unknown) => void;
  /** Takes back the listeners it put on the pool (a host's pool lives on). */
  private readonly detach: () => void;
  private readonly ownsPool: boolean;

  constructor(options: PostgresConnectionOptions) {
    const onError = options.onConnectionError ?? (() => undefined);
    this.ownsPool = !options.pool;
    this.pool = options.pool ?? new Pool(poolConfig(options));
    const onConnect = (client: PoolClient) => client.on('error', onError);
    this.pool.on('error', onError);
    this.pool.on('connect', onConnect);
    this.detach = () => {
      this.pool.off('error', onError);
      this.pool.off('connect', onConnect);
    };
    const onDatabaseError = options.onDatabaseError ?? (() => undefined);
    // Told where the driver fails, once each (a conflict sent again included): errors a
    // transaction's own work throws are not the database's.
    this.reportFailure = (error) => onDatabaseError(postgresErrorKind(error));
    const query = pgQuery(this.pool, this.reportFailure);
    this.statements = new SqlExecutor(postgresDialect, (text, values) => runGuarded(() => query(text, values), postgresErrorKind));
  }

  statement(): SqlExecutor {
    return this.statements;
  }

  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    return runGuarded(() => this.once(work), postgresErrorKind);
  }

  async close(): Promise<void> {
    // An own pool keeps its listeners to the end: a connection killed while the pool ends must
    // still find one. A host's pool lives on, without ours.
    if (this.ownsPool) await this.pool.end();
    else this.detach();
  }

  private async once<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect().catch((error: unknown) => {
      this.reportFailure(error);
      throw error;
    });
    const query = pgQuery(client, this.reportFailure);
    let broken: Error | undefined;
    try {
      await query('BEGIN', []);
      const result = await work(new SqlExecutor(postgresDialect, query));
      await query('COMMIT', []);
      return result;
    } catch (error) {
      // A connection whose rollback failed is in an unknown state: the pool discards it.
      await query('ROLLBACK', []).catch((rollbackError: Error) => (broken = rollbackError));
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

function poolConfig(options: PostgresConnectionOptions): PoolConfig {
  return {
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: 'durable-workflows',
    // Runner transactions are a few statements; anything longer is a fault to surface.
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
    // While the server is away, fail fast (503) instead of queueing requests for a minute.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
  };
}

/**
 * Every statement is sent as a named prepared statement: PostgreSQL parses and plans each
 * distinct text once per connection instead of on every call. The store's statements come in a
 * bounded number of shapes (rows per insert vary from 1 to the batch limit), so the per-connection
 * cache stays small.
 */
const statementNames = new Map<string, string>();
/** Past this many shapes, further ones are sent unprepared, so no session's cache grows without end. */
const MAX_PREPARED_SHAPES = 1_000;
function statementName(text: string): string | undefined {
  let name = statementNames.get(text);
  if (!name && statementNames.size < MAX_PREPARED_SHAPES) {
    name = `wf_${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return name;
}

function pgQuery(target: Pool | PoolClient, onFailure: (error: unknown) => void): RawQuery {
  return async (text, values) => {
    try {
      const result = await target.query({ name: statementName(text), text, values });
      return { rows: result.rows, affected: result.rowCount ?? 0 };
    } catch (error) {
      onFailure(error);
      throw error;
    }
  };
}
