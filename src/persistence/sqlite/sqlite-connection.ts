import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { DatabaseConnection } from '../connection/database-connection';
import { type DatabaseErrorKind, storeError } from '../connection/database-errors';
import { sqliteDialect } from '../sql/dialect';
import { SqlExecutor } from '../sql/sql-executor';
import { AsyncMutex } from './async-mutex';
import { sqliteErrorKind } from './sqlite-errors';

const STATEMENT_CACHE_SIZE = 500;
/** How long start-up waits for another process to let go of the file before giving up. */
const LOCK_WAIT_MS = 2_000;

/**
 * SQLite through one `better-sqlite3` handle, which holds an exclusive lock on the file for the
 * life of the process: SQLite serves one process, and holding the lock is what proves no other
 * process is running its instances (so start-up may take back every lease at once). Every use,
 * read or write, takes its turn: statements are synchronous, but a transaction spans awaits, and
 * another caller's statement in between would join it.
 */
export class SqliteConnection implements DatabaseConnection {
  readonly dialect = sqliteDialect;
  readonly handle: Database.Database;
  private readonly turns = new AsyncMutex();
  private readonly prepared = new Map<string, Database.Statement>();
  private readonly inTurn: SqlExecutor;
  private readonly inTransaction: SqlExecutor;

  /** `onDatabaseError` is told of every failed statement, by kind (for metrics). */
  constructor(
    readonly path: string,
    private readonly onDatabaseError: (kind: DatabaseErrorKind) => void = () => undefined,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.handle = new Database(path, { timeout: LOCK_WAIT_MS });
    try {
      this.lockForThisProcess();
    } catch (error) {
      this.handle.close();
      throw error;
    }
    this.handle.pragma('busy_timeout = 0');
    this.inTurn = new SqlExecutor(sqliteDialect, (text, values) => this.turns.run(async () => this.execute(text, values)));
    this.inTransaction = new SqlExecutor(sqliteDialect, async (text, values) => this.execute(text, values));
  }

  statement(): SqlExecutor {
    return this.inTurn;
  }

  transaction<T>(work: (sql: SqlExecutor) => Promise<T>): Promise<T> {
    return this.turns.run(async () => {
      this.execute('BEGIN IMMEDIATE', []);
      try {
        const result = await work(this.inTransaction);
        this.execute('COMMIT', []);
        return result;
      } catch (error) {
        if (this.handle.inTransaction) this.handle.exec('ROLLBACK');
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    await this.turns.run(async () => this.handle.close());
  }

  private lockForThisProcess(): void {
    // Exclusive locking mode must be set before WAL is first used: the WAL index then lives in
    // this process's memory, and the lock taken by the first write is never given back.
    try {
      this.handle.pragma('locking_mode = EXCLUSIVE');
      this.handle.pragma('journal_mode = WAL');
      // FULL: a commit is on disk when it returns, which is the point of a durable engine.
      this.handle.pragma('synchronous = FULL');
      this.handle.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (error) {
      if (sqliteErrorKind(error) !== 'unavailable') throw error;
      throw new Error(
        `SQLite database ${this.path} is in use by another process. SQLite serves one process at a time; ` +
          'stop the other one, or use PostgreSQL (DATABASE_URL=postgres://…) to run several.',
      );
    }
  }

  /** Runs one statement now; driver errors leave as the store's typed errors. */
  private execute(text: string, values: unknown[]) {
    try {
      const statement = this.statementFor(text);
      const bound = values.map((value) => (typeof value === 'boolean' ? Number(value) : value));
      if (statement.reader) return { rows: statement.all(...bound) as Record<string, unknown>[], affected: 0 };
      return { rows: [], affected: statement.run(...bound).changes };
    } catch (error) {
      const kind = sqliteErrorKind(error);
      this.onDatabaseError(kind);
      throw storeError(error, kind);
    }
  }

  private statementFor(text: string): Database.Statement {
    let statement = this.prepared.get(text);
    if (!statement) {
      if (this.prepared.size >= STATEMENT_CACHE_SIZE) this.prepared.clear();
      statement = this.handle.prepare(text);
      this.prepared.set(text, statement);
    }
    return statement;
  }
}
