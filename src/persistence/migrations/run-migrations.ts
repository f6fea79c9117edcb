import { DataSource } from 'typeorm';
import type Database from 'better-sqlite3';
import { type DatabaseOptions, dataSourceOptions } from '../data-source-options';

/** Any fixed number: the advisory lock that lets one process at a time run the migrations. */
const MIGRATION_LOCK = 7_201_522_931;

/**
 * Applies pending PostgreSQL migrations on short-lived connections of TypeORM's (two: one holds
 * the lock while the migrations run on the other). Replicas often
 * start together: an advisory lock makes the others wait, then find nothing left to do.
 * Returns the names of the migrations applied now.
 */
export async function migratePostgres(database: DatabaseOptions): Promise<string[]> {
  // Connections of its own, on the host pool's settings when one is given: the lock must outlive a statement.
  const dataSource = new DataSource(dataSourceOptions({ url: database.url, pool: database.pool, poolSize: 2 }));
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      return namesOf(await dataSource.runMigrations({ transaction: 'all' }));
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}

/**
 * Applies pending SQLite migrations through the store's own handle: it holds the file's exclusive
 * lock (and an in-memory database exists only on it), so TypeORM borrows it instead of opening one.
 * Returns the names of the migrations applied now.
 */
export async function migrateSqlite(handle: Database.Database, path: string): Promise<string[]> {
  // TypeORM constructs its connection with `new driver(path)`; a constructor that returns an
  // object yields that object.
  const lend = function () {
    return handle;
  };
  const dataSource = new DataSource({ ...dataSourceOptions({ url: `sqlite:${path}` }), driver: lend } as never);
  await dataSource.initialize();
  try {
    return namesOf(await dataSource.runMigrations({ transaction: 'all' }));
  } finally {
    // Giving the handle back: TypeORM would close it.
    Object.defineProperty(handle, 'close', { value: () => handle, configurable: true });
    try {
      await dataSource.destroy();
    } finally {
      delete (handle as { close?: unknown }).close;
    }
  }
}

const namesOf = (migrations: { name: string }[]) => migrations.map((migration) => migration.name);
