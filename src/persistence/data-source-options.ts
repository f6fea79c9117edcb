import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DialectName } from './dialect';
import { workflowEntities } from './entities';
import { postgresMigrations } from './migrations/postgres';
import { sqliteMigrations } from './migrations/sqlite';

export const DEFAULT_SQLITE_PATH = './data/workflows.sqlite';

export interface DatabaseOptions {
  /** `postgres://…`, `sqlite:<path>`, or unset for the embedded SQLite file. */
  url?: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /** Apply pending migrations when connecting (the server does; the typeorm CLI does not). */
  migrationsRun?: boolean;
}

export function dialectOf(url: string | undefined): DialectName {
  return url && /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

/** TypeORM options for the database `url` names; shared by the server, the tests and ormconfig.ts. */
export function dataSourceOptions(options: DatabaseOptions = {}): DataSourceOptions {
  const dialect = dialectOf(options.url);
  const common = {
    entities: workflowEntities(dialect),
    migrationsRun: options.migrationsRun ?? false,
    migrationsTableName: 'workflow_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (dialect === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: options.url,
      migrations: postgresMigrations,
      extra: {
        max: options.poolSize ?? 10,
        application_name: 'durable-workflows',
        // Runner transactions are a few statements; anything longer is a fault to surface.
        statement_timeout: 30_000,
        idle_in_transaction_session_timeout: 60_000,
      },
    };
  }
  const database = sqlitePath(options.url);
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database,
    migrations: sqliteMigrations,
    prepareDatabase: (db: { pragma(source: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      // FULL: a commit is on disk when it returns, which is the point of a durable engine.
      db.pragma('synchronous = FULL');
      db.pragma('busy_timeout = 5000');
    },
  };
}

function sqlitePath(url: string | undefined): string {
  if (!url) return DEFAULT_SQLITE_PATH;
  if (!url.startsWith('sqlite:')) throw new Error(`DATABASE_URL must start with postgres://, postgresql:// or sqlite:, got "${url}"`);
  return url.slice('sqlite:'.length).replace(/^\/\//, '') || DEFAULT_SQLITE_PATH;
}
