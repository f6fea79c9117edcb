import { Client } from 'pg';
import { POSTGRES_URL, TEST_DATABASES } from './databases';

/** Fails fast, with the fix, when the suite needs PostgreSQL and it is not there. */
export default async function globalSetup(): Promise<void> {
  if (!TEST_DATABASES.includes('postgres')) return;
  const client = new Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.end();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_URL} (${(error as Error).message}). Start it, set TEST_POSTGRES_URL, ` +
        'or run only the SQLite suite with TEST_DATABASES=sqlite.',
    );
  }
}
