import { Client } from 'pg';

export const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, empty database; the service creates its tables on start. */
export async function freshDatabase(name: string): Promise<string> {
  await withClient(ADMIN_URL, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${name}`);
  });
  return databaseUrl(name);
}

/** Benchmark databases are large (W4 holds gigabytes): each workload drops its own when done. */
export async function dropDatabase(name: string): Promise<void> {
  await withClient(ADMIN_URL, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export interface DatabaseCounters {
  commits: number;
  rowsWritten: number;
  walBytes: number;
}

/**
 * Transactions and rows written in one database, WAL bytes of the whole server. Statistics reach
 * these views up to a second late, so callers wait before reading the end of a measurement.
 */
export async function databaseCounters(name: string): Promise<DatabaseCounters> {
  return withClient(ADMIN_URL, async (client) => {
    const { rows } = await client.query(
      `SELECT d.xact_commit::float8 AS commits, (d.tup_inserted + d.tup_updated + d.tup_deleted)::float8 AS rows,
              w.wal_bytes::float8 AS wal
       FROM pg_stat_database d, pg_stat_wal w WHERE d.datname = $1`,
      [name],
    );
    return { commits: rows[0].commits, rowsWritten: rows[0].rows, walBytes: rows[0].wal };
  });
}

export function difference(after: DatabaseCounters, before: DatabaseCounters): DatabaseCounters {
  return {
    commits: after.commits - before.commits,
    rowsWritten: after.rowsWritten - before.rowsWritten,
    walBytes: after.walBytes - before.walBytes,
  };
}

export const settleStatistics = () => new Promise((resolve) => setTimeout(resolve, 1_500));
