import type { TlsOptions } from 'node:tls';
import type { ClientConfig, Pool } from 'pg';
import type { DataSourceOptions } from 'typeorm';
import type { DialectName } from './sql/dialect';
import { workflowEntities } from './entities';
import { postgresMigrations } from './migrations/postgres';
import { sqliteMigrations } from './migrations/sqlite';

export const DEFAULT_SQLITE_PATH = './data/workflows.sqlite';

export interface DatabaseOptions {
  /** `postgres://…`, `sqlite:<path>`, `sqlite::memory:`, or unset for the embedded SQLite file. */
  url?: string;
  /** PostgreSQL pool size (of the module's own pool). */
  poolSize?: number;
  /**
   * A host application's own `pg` pool: the store runs its statements on it and leaves it open
   * on close. Migrations and the LISTEN connection use the pool's connection settings.
   */
  pool?: Pool;
}

export function dialectOf(url: string | undefined, pool?: Pool): DialectName {
  return pool || (url && /^postgres(ql)?:\/\//.test(url)) ? 'postgres' : 'sqlite';
}

/** How to open a PostgreSQL connection of one's own: the URL, or the host pool's settings. */
export function postgresSettingsOf(options: DatabaseOptions): ClientConfig {
  if (!options.pool) return { connectionString: options.url };
  const { connectionString, host, port, user, password, database, ssl } = options.pool.options;
  return { connectionString, host, port, user, password, database, ssl };
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
  const dialect = dialectOf(options.url, options.pool);
  const common = {
    entities: workflowEntities(dialect),
    migrationsRun: false,
    migrationsTableName: 'workflow_migrations',
    synchronize: false,
    logging: false,
  } as const;
  if (dialect === 'postgres') {
    // A host that drops packets answers nothing: give up after 10 s, not the kernel's two minutes.
    const settings = postgresSettingsOf(options);
    const connection = {
      url: settings.connectionString,
      host: settings.host,
      port: settings.port,
      username: settings.user,
      password: settings.password as string | undefined,
      database: settings.database,
      // pg's and TypeORM's TLS option types differ only in callbacks pg passes through as given.
      ssl: settings.ssl as boolean | TlsOptions | undefined,
    };
    return { ...common, type: 'postgres', ...connection, migrations: postgresMigrations, connectTimeoutMS: 10_000, extra: { max: options.poolSize ?? 2 } };
  }
  return { ...common, type: 'better-sqlite3', database: sqlitePath(options.url), migrations: sqliteMigrations };
}
