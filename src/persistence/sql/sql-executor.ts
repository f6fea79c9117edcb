import type { Dialect } from './dialect';

/** One statement's outcome, whatever the driver. */
export interface RawResult {
  rows: Record<string, unknown>[];
  affected: number;
}

/** Sends one statement with positional parameters, in the driver's own placeholder style. */
export type RawQuery = (text: string, values: unknown[]) => Promise<RawResult>;

/** Runs `$1`-style SQL through a driver, in the dialect of the database. */
export class SqlExecutor {
  constructor(
    readonly dialect: Dialect,
    private readonly raw: RawQuery,
  ) {}

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [text, values] = this.dialect.prepare(sql, params);
    return (await this.raw(text, values)).rows as T[];
  }

  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  async run(sql: string, params: unknown[] = []): Promise<number> {
    const [text, values] = this.dialect.prepare(sql, params);
    return (await this.raw(text, values)).affected;
  }
}
