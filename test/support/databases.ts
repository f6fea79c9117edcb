import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openWorkflowStore } from '../../src/persistence/open-workflow-store';

export type DatabaseKind = 'sqlite' | 'postgres';

/** The PostgreSQL server tests create their databases on. */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Which databases the suite runs on: both unless TEST_DATABASES narrows it (e.g. "sqlite"). */
export const TEST_DATABASES: DatabaseKind[] = (process.env.TEST_DATABASES ?? 'sqlite,postgres')
  .split(',')
  .map((kind) => kind.trim() as DatabaseKind)
  .filter((kind) => kind === 'sqlite' || kind === 'postgres');

/**
 * For suites whose behaviour does not depend on the database (input validation, routing,
 * authorization hooks): they run once, on the first of TEST_DATABASES.
 */
export const ONE_DATABASE: DatabaseKind[] = TEST_DATABASES.slice(0, 1);

export interface TestDatabase {
  kind: DatabaseKind;
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database of its own: a temporary SQLite file, or a new PostgreSQL database on
 * the local server. Suites run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const name = `wf_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const file = join(tmpdir(), `${name}.sqlite`);
    return {
      kind,
      url: `sqlite:${file}`,
      drop: async () => {
        for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      },
    };
  }
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { kind, url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A migrated store on a fresh database; `dispose` closes it and drops the database. */
export async function createTestStore(kind: DatabaseKind, poolSize?: number) {
  const database = await createTestDatabase(kind);
  const store = await openWorkflowStore({ url: database.url, poolSize });
  return {
    store,
    database,
    dispose: async () => {
      await store.close();
      await database.drop();
    },
  };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
