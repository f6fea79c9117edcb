import type { QueryRunner } from 'typeorm';
import type { Dialect } from './dialect';

/** Runs `$1`-style SQL on one connection, in the dialect of the database. */
export class SqlExecutor {
  constructor(
    readonly dialect: Dialect,
    private readonly runner: QueryRunner,
  ) {}

  async rows<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const [text, values] = this.dialect.prepare(sql, params);
    const result = await this.runner.query(text, values, true);
    return (result.records ?? []) as T[];
  }

  /** Runs a statement that returns no rows; resolves to the number of rows it changed. */
  async run(sql: string, params: unknown[] = []): Promise<number> {
    const [text, values] = this.dialect.prepare(sql, params);
    const result = await this.runner.query(text, values, true);
    return result.affected ?? 0;
  }
}
