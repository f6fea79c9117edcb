import type { SqlParams } from './sql-params';

/** The two databases the store speaks to, and the few ways their SQL and values differ. */
export type DialectName = 'postgres' | 'sqlite';

export interface Dialect {
  name: DialectName;
  /** Converts `$1`-style SQL and its parameters to what the driver takes. */
  prepare(sql: string, params: unknown[]): [string, unknown[]];
  /** Epoch ms to a bound parameter: a Date for timestamptz, the number itself for SQLite. */
  time(ms: number | null): unknown;
  /** A stored time back to epoch ms. */
  readTime(value: unknown): number | null;
  bool(value: boolean): unknown;
  /** Row-lock suffix for SELECT; empty on SQLite, where one writer at a time is the rule. */
  forUpdate: string;
  /** A shared row lock: others may share it, but not change or delete the row until this transaction ends. */
  forShare: string;
  /** An exclusive lock (as forUpdate), failing at once (as a lock conflict) when another transaction holds the row. */
  forUpdateNoWait: string;
  /** The same, passing over rows another transaction holds. */
  forUpdateSkipLocked: string;
  /** An expression for the server's current time in epoch ms. */
  nowMsSql: string;
  /**
   * `<column> <this>` matches any of `values`. PostgreSQL binds them as one array, so the
   * statement has one shape (one prepared statement) however many there are.
   */
  anyOf(p: SqlParams, values: readonly string[]): string;
}

export const postgresDialect: Dialect = {
  name: 'postgres',
  prepare: (sql, params) => [sql, params],
  time: (ms) => (ms === null ? null : new Date(ms)),
  readTime: (value) => (value === null || value === undefined ? null : new Date(value as Date | string).getTime()),
  bool: (value) => value,
  forUpdate: ' FOR UPDATE',
  forShare: ' FOR SHARE',
  forUpdateNoWait: ' FOR UPDATE NOWAIT',
  forUpdateSkipLocked: ' FOR UPDATE SKIP LOCKED',
  nowMsSql: 'SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS now_ms',
  anyOf: (p, values) => `= ANY(${p.add(values, 'varchar[]')})`,
};

const NUMBERED = /\$(\d+)/g;

/** SQLite binds positionally: each `$n` becomes `?` and its parameter is repeated in order. */
export const sqliteDialect: Dialect = {
  name: 'sqlite',
  prepare(sql, params) {
    const ordered: unknown[] = [];
    const text = sql.replace(NUMBERED, (_, n: string) => {
      ordered.push(params[Number(n) - 1]);
      return '?';
    });
    return [text, ordered];
  },
  time: (ms) => ms,
  readTime: (value) => (value === null || value === undefined ? null : Number(value)),
  bool: (value) => (value ? 1 : 0),
  forUpdate: '',
  forShare: '',
  forUpdateNoWait: '',
  forUpdateSkipLocked: '',
  nowMsSql: "SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS now_ms",
  anyOf: (p, values) => `IN (${p.list(values)})`,
};
