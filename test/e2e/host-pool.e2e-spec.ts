/**
 * A host application hands in its own `pg` pool: the module's statements run on it, its migrations
 * and LISTEN connection use the pool's settings, and closing the module leaves the pool to the host.
 */
import { Pool } from 'pg';
import { defineWorkflow } from '../../src/engine';
import { eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { createTestApp } from '../support/test-app';

const echo = defineWorkflow({ name: 'echo' }, async (event, step) => step.do('echo', async () => event.payload));

const onPostgres = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

onPostgres('a host pool handed to the module', () => {
  let database: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    // Settings as a host would give them (no connection string), to prove they are what the module reads.
    const url = new URL(database.url);
    pool = new Pool({ host: url.hostname, port: Number(url.port), user: url.username, database: url.pathname.slice(1), max: 4, application_name: 'the-host' });
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it('runs workflows on it, migrates through its settings, and leaves it open when the module closes', async () => {
    const app = await createTestApp('postgres', { workflows: [echo], database: { pool } });
    try {
      await app.client.create('echo', { id: 'e-1', params: { n: 1 } });
      await eventually(async () => (await app.client.get('echo', 'e-1')).details, (details) => details.status === 'complete', { what: 'e-1 to complete' });
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'the-host' AND datname = current_database()`);
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
    // The host's pool still serves the host, and the module's tables are there.
    const { rows } = await pool.query(`SELECT status FROM workflow_instance WHERE instance_id = 'e-1'`);
    expect(rows).toEqual([{ status: 'complete' }]);
  });
});
