import { createTestEngine, type TestEngine, type TestEngineOptions } from '../../src/testing';
import { createTestDatabase, type DatabaseKind } from './databases';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/**
 * The testing kit's engine on `kind`, as an author would open it: on SQLite its default in-memory
 * database, on PostgreSQL a fresh database of its own. Closed (and the database dropped) after the test.
 */
export async function kitEngine(kind: DatabaseKind, options: Omit<TestEngineOptions, 'database'>): Promise<TestEngine> {
  const database = kind === 'postgres' ? await createTestDatabase('postgres') : undefined;
  const engine = await createTestEngine({ ...options, database: database?.url }).catch(async (error: unknown) => {
    // An engine that refused to start leaves no database behind either.
    await database?.drop();
    throw error;
  });
  cleanups.push(async () => {
    await engine.close();
    await database?.drop();
  });
  return engine;
}
