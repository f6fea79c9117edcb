import { resolve } from 'node:path';
import { dialectOf, sqlitePath } from '../../persistence/data-source-options';

/** Where a PostgreSQL URL points, as the operator would name it (never its password). */
export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

export function postgresTarget(url: string): PostgresTarget {
  const parsed = new URL(url);
  const user = decodeURIComponent(parsed.username) || 'postgres';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(parsed.port || 5432),
    // libpq's default: a database named after the user.
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user,
    user,
  };
}

/** `PostgreSQL 127.0.0.1:5432/workflows (user app)` or `SQLite /abs/path/file.sqlite`: never a password. */
export function describeDatabase(url: string | undefined): string {
  if (dialectOf(url) === 'sqlite') return `SQLite ${resolve(sqlitePath(url))}`;
  const { host, port, database, user } = postgresTarget(url!);
  return `PostgreSQL ${host}:${port}/${database} (user ${user})`;
}
