import { eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { postJson, type ServerProcess, startServer } from '../support/server-process';
import { sideEffectsDatabase } from '../support/side-effects';

const INSTANCES = 300;
const STEPS = 5;

// Several processes share one database only on PostgreSQL.
const describeOnPostgres = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

describeOnPostgres('three server processes on one PostgreSQL', () => {
  let database: TestDatabase;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });

  afterAll(async () => {
    for (const server of servers) server.process.kill('SIGKILL');
    await database.drop();
  });

  it(`complete ${INSTANCES} instances × ${STEPS} steps with every side effect exactly once`, async () => {
    const db = await sideEffectsDatabase(database.url);
    try {
      // Started together: they also race to migrate the empty database.
      servers = await Promise.all([1, 2, 3].map(() => startServer({ DATABASE_URL: database.url, RUNNER_CONCURRENCY: '10' })));
      for (let batch = 0; batch < INSTANCES / 100; batch++) {
        const instances = Array.from({ length: 100 }, (_, i) => ({ id: `i-${batch * 100 + i}`, params: { steps: STEPS } }));
        const created = await postJson(`${servers[batch % 3].baseUrl}/workflows/side-effects/instances/batch`, { instances });
        expect(created.status).toBe(201);
      }
      await eventually(async () => (await db.completed()) === INSTANCES, { timeoutMs: 60_000, what: 'every instance to complete' });

      expect(await db.sideEffects()).toBe(INSTANCES * STEPS);
      expect(await db.duplicates()).toBe(0);
      const { rows } = await db.query('SELECT count(*)::int AS count FROM workflow_task');
      expect(rows[0].count).toBe(0);

      const exits = servers.map((server) => server.exited);
      for (const server of servers) server.process.kill('SIGTERM');
      expect(await Promise.all(exits)).toEqual([0, 0, 0]);
    } finally {
      await db.close();
    }
  }, 90_000);
});
