import { Client } from 'pg';
import { defineWorkflow } from '../../src/engine';
import { eventually } from '../support/async';
import { createTestDatabase, POSTGRES_URL, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { createTestApp } from '../support/test-app';

const waiter = defineWorkflow({ name: 'waiter' }, async (_event, step) => (await step.waitForEvent('w', { type: 'go' })).payload);
const NO_POLL = { pollIntervalMs: 3_600_000 };

const describeOnPostgres = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

describeOnPostgres('PostgreSQL wake-up listener', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });
  afterAll(() => database.drop());

  it('reconnects after its connection is killed, and events sent elsewhere wake the runner again', async () => {
    const runner = await createTestApp('postgres', { workflows: [waiter], database: { url: database.url }, runner: NO_POLL });
    const apiOnly = await createTestApp('postgres', { workflows: [waiter], database: { url: database.url }, runner: { enabled: false } });
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const listeners = () =>
        admin.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'durable-workflows-listener'`, [
          database.url.split('/').pop(),
        ]);
      const [before] = (await listeners()).rows;
      expect(before).toBeDefined();
      await admin.query('SELECT pg_terminate_backend($1)', [before.pid]);
      // A new listening connection replaces the killed one.
      const after = await eventually(listeners, (r) => r.rows.length === 1 && r.rows[0].pid !== before.pid);
      expect(after.rows[0].pid).not.toBe(before.pid);

      await runner.client.create('waiter', { id: 'w1' });
      await eventually(() => runner.client.get('waiter', 'w1'), (i) => i.details.status === 'waiting');
      await apiOnly.client.sendEvent('waiter', 'w1', { type: 'go', payload: 'hello' });
      const done = await eventually(() => runner.client.get('waiter', 'w1'), (i) => i.details.status === 'complete', { timeoutMs: 2_000 });
      expect(done.details.output).toBe('hello');
    } finally {
      await admin.end();
      await apiOnly.close();
      await runner.close();
    }
  });
});
