import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { AsyncMutex } from './async-mutex';
import { postgresDialect, sqliteDialect } from './dialect';
import { type RawQuery, SqlExecutor } from './sql-executor';

/**
 * How the store reaches the database. TypeORM opens the connections (and runs the migrations);
 * statements go straight to the drivers underneath it, without TypeORM's per-query machinery,
 * since the store writes all of its SQL itself.
 */
export interface Connections {
  /** For single statements: each one is its own transaction. */
  statement(): SqlExecutor;
  /** One connection for several statements in one transaction. */
  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T>;
}

interface PgClient {
  query(
    config: { name?: string; text: string; values: unknown[] },
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}
interface PgPool extends PgClient {
  connect(): Promise<PgClient & { release(error?: Error): void }>;
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

const pgQuery =
  (client: PgClient): RawQuery =>
  async (text, values) => {
    const result = await client.query({ name: statementName(text), text, values });
    return { rows: result.rows, affected: result.rowCount ?? 0 };
  };

/** PostgreSQL: the pool TypeORM created. */
export function postgresConnections(dataSource: DataSource): Connections {
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  const statements = new SqlExecutor(postgresDialect, pgQuery(pool));
  return {
    statement: () => statements,
    async transaction(work) {
      const client = await pool.connect();
      const sql = new SqlExecutor(postgresDialect, pgQuery(client));
      let failure: Error | undefined;
      try {
        await client.query({ text: 'BEGIN', values: [] });
        const result = await work(sql);
        await client.query({ text: 'COMMIT', values: [] });
        return result;
      } catch (error) {
        await client.query({ text: 'ROLLBACK', values: [] }).catch((rollbackError: Error) => (failure = rollbackError));
        throw error;
      } finally {
        // A connection whose rollback failed is in an unknown state: the pool discards it.
        client.release(failure);
      }
    },
  };
}

interface SqliteStatement {
  reader: boolean;
  all(...values: unknown[]): Record<string, unknown>[];
  run(...values: unknown[]): { changes: number };
}
interface SqliteDatabase {
  prepare(text: string): SqliteStatement;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * SQLite: its one better-sqlite3 connection. Every use, read or write, takes its turn: the
 * statements are synchronous, but a transaction spans awaits, and another caller's statement in
 * between would join it.
 */
export function sqliteConnections(dataSource: DataSource): Connections {
  const db = (dataSource.driver as unknown as { databaseConnection: SqliteDatabase }).databaseConnection;
  const turns = new AsyncMutex();
  const prepared = new Map<string, SqliteStatement>();
  const execute = (text: string, values: unknown[]) => {
    let statement = prepared.get(text);
    if (!statement) {
      if (prepared.size >= STATEMENT_CACHE_SIZE) prepared.clear();
      statement = db.prepare(text);
      prepared.set(text, statement);
    }
    const bound = values.map((value) => (typeof value === 'boolean' ? Number(value) : value));
    return statement.reader ? { rows: statement.all(...bound), affected: 0 } : { rows: [], affected: statement.run(...bound).changes };
  };
  const inTurn = new SqlExecutor(sqliteDialect, (text, values) => turns.run(async () => execute(text, values)));
  const inTransaction = new SqlExecutor(sqliteDialect, async (text, values) => execute(text, values));
  return {
    statement: () => inTurn,
    transaction: (work) =>
      turns.run(async () => {
        execute('BEGIN IMMEDIATE', []);
        try {
          const result = await work(inTransaction);
          execute('COMMIT', []);
          return result;
        } catch (error) {
          execute('ROLLBACK', []);
          throw error;
        }
      }),
  };
}
