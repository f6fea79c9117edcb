import { delay, eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { postJson, type ServerProcess, startServer } from '../support/server-process';
import { sideEffectsDatabase } from '../support/side-effects';

const INSTANCES = 300;
const STEPS = 5;
/** How long the test keeps killing processes; `CHAOS_SECONDS=120 npm run chaos` for a longer run. */
const CHAOS_MS = Number(process.env.CHAOS_SECONDS ?? 15) * 1000;
const KILL_EVERY_MS = 2_000;

const describeOnPostgres = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

/**
 * Three processes work through the instances while one of them is killed with SIGKILL every two
 * seconds and started again. Each process advances one run at a time (RUNNER_CONCURRENCY=1), so a
 * kill interrupts at most one step: the step whose side effect may then happen twice.
 */
describeOnPostgres('chaos: processes killed with SIGKILL and restarted', () => {
  let database: TestDatabase;
  const servers: (ServerProcess | undefined)[] = [];
  const env = () => ({
    DATABASE_URL: database.url,
    RUNNER_CONCURRENCY: '1',
    RUNNER_LEASE_MS: '2000',
    RUNNER_POLL_INTERVAL_MS: '500',
  });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
  });

  afterAll(async () => {
    for (const server of servers) server?.process.kill('SIGKILL');
    await database.drop();
  });

  it('completes every instance; duplicate side effects are at most the number of kills', async () => {
    const db = await sideEffectsDatabase(database.url);
    try {
      servers.push(...(await Promise.all([0, 1, 2].map(() => startServer(env())))));
      for (let batch = 0; batch < INSTANCES / 100; batch++) {
        const instances = Array.from({ length: 100 }, (_, i) => ({ id: `c-${batch * 100 + i}`, params: { steps: STEPS, workMs: 20 } }));
        expect((await postJson(`${servers[0]!.baseUrl}/workflows/side-effects/instances/batch`, { instances })).status).toBe(201);
      }

      let kills = 0;
      const chaosEnds = Date.now() + CHAOS_MS;
      while (Date.now() < chaosEnds && (await db.completed()) < INSTANCES) {
        await delay(KILL_EVERY_MS);
        const victim = kills % servers.length;
        const server = servers[victim]!;
        server.process.kill('SIGKILL');
        await server.exited;
        kills++;
        servers[victim] = await startServer(env());
      }

      await eventually(async () => (await db.completed()) === INSTANCES, { timeoutMs: 60_000, what: 'every instance to complete after the chaos' });
      const duplicates = await db.duplicates();
      console.log(`chaos: ${kills} kills, ${duplicates} duplicate side effects, ${await db.sideEffects()} side effects in all`);
      expect(kills).toBeGreaterThan(0);
      expect(duplicates).toBeLessThanOrEqual(kills);
      // Every step of every instance happened at least once.
      const { rows } = await db.query('SELECT count(DISTINCT (instance_id, step))::int AS count FROM test_side_effect');
      expect(rows[0].count).toBe(INSTANCES * STEPS);
      const stuck = await db.query("SELECT count(*)::int AS count FROM workflow_instance WHERE status <> 'complete'");
      expect(stuck.rows[0].count).toBe(0);
    } finally {
      await db.close();
    }
  }, CHAOS_MS + 120_000);
});
