import type { DataSourceOptions } from 'typeorm';
import type { DialectName } from './sql/dialect';
import { workflowEntities } from './entities';
import { postgresMigrations } from './migrations/postgres';
import { sqliteMigrations } from './migrations/sqlite';

export const DEFAULT_SQLITE_PATH = './data/workflows.sqlite';

export interface DatabaseOptions {
  /** `postgres://…`, `sqlite:<path>`, `sqlite::memory:`, or unset for the embedded SQLite file. */
  url?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
}

export function dialectOf(url: string | undefined): DialectName {
  return url && /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

/** The SQLite file a `sqlite:` URL (or none) names. */
export function sqlitePath(url: string | undefined): string {
  if (!url) return DEFAULT_SQLITE_PATH;
  if (!url.startsWith('sqlite:')) throw new Error(`DATABASE_URL must start with postgres://, postgresql:// or sqlite:, got "${url}"`);
  return url.slice('sqlite:'.length).replace(/^\/\//, '') || DEFAULT_SQLITE_PATH;
}

/**
 * TypeORM options for the database `url` names: its entities and migrations. TypeORM only runs
 * migrations (at start-up, and through the typeorm CLI with ormconfig.ts); the store talks to
 * the database through connections of its own.
 */
export function dataSourceOptions(options: DatabaseOptions = {}): DataSourceOptions {
  const dialect = dialectOf(options.url);
  const common = {
    entities: workflowEntities(dialect),
    migrationsRun: false,
    migrationsTableName: 'workflow_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (dialect === 'postgres') {
    // A host that drops packets answers nothing: give up after 10 s, not the kernel's two minutes.
    return { ...common, type: 'postgres', url: options.url, migrations: postgresMigrations, connectTimeoutMS: 10_000, extra: { max: options.poolSize ?? 2 } };
  }
  return { ...common, type: 'better-sqlite3', database: sqlitePath(options.url), migrations: sqliteMigrations };
}
