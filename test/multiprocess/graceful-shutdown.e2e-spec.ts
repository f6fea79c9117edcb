import { eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { NO_POLL, postJson, startServer } from '../support/server-process';
import { sideEffectsDatabase } from '../support/side-effects';

const describeOnPostgres = TEST_DATABASES.includes('postgres') ? describe : describe.skip;

describeOnPostgres('graceful shutdown (SIGTERM)', () => {
  let database: TestDatabase;

  beforeEach(async () => {
    database = await createTestDatabase('postgres');
  });

  afterEach(() => database.drop());

  /** Starts a server, creates an instance whose steps take `workMs`, and sends SIGTERM during step 1. */
  async function terminateDuringStep(workMs: number, graceMs: number) {
    const db = await sideEffectsDatabase(database.url);
    const server = await startServer({ DATABASE_URL: database.url, RUNNER_SHUTDOWN_GRACE_MS: String(graceMs) });
    try {
      expect((await postJson(`${server.baseUrl}/workflows/side-effects/instances`, { id: 'slow', params: { steps: 2, workMs } })).status).toBe(201);
      await eventually(async () => (await db.sideEffects()) === 1, { timeoutMs: 5_000, what: 'step 1 to start' });
      const sentAt = Date.now();
      server.process.kill('SIGTERM');
      const exitCode = await server.exited;
      const tookMs = Date.now() - sentAt;
      const steps = (await db.query("SELECT name, status FROM workflow_step WHERE instance_id = 'slow' ORDER BY seq")).rows;
      const [task] = (await db.query("SELECT lease_token, lease_owner, due_at <= now() AS due FROM workflow_task WHERE instance_id = 'slow'")).rows;
      const [instance] = (await db.query("SELECT status FROM workflow_instance WHERE instance_id = 'slow'")).rows;
      return { exitCode, tookMs, steps, task, instance, sideEffects: await db.sideEffects(), output: server.output() };
    } finally {
      server.process.kill('SIGKILL');
      await db.close();
    }
  }

  it('lets the step in progress finish and commit, starts no other, releases the lease and exits 0', async () => {
    const result = await terminateDuringStep(1_500, 10_000);
    expect(result.exitCode).toBe(0);
    expect(result.steps).toEqual([{ name: 'step-1', status: 'completed' }]);
    expect(result.sideEffects).toBe(1);
    expect(result.task).toEqual({ lease_token: null, lease_owner: null, due: true });
    expect(result.instance.status).toBe('queued');
  }, 30_000);

  it('releases a step that outlives the grace period, due now, so another process takes it at once', async () => {
    const result = await terminateDuringStep(2_000, 200);
    expect(result.exitCode).toBe(0);
    expect(result.tookMs).toBeLessThan(1_500);
    expect(result.steps).toEqual([]);
    expect(result.task).toEqual({ lease_token: null, lease_owner: null, due: true });
    expect(result.instance.status).toBe('queued');

    // Another process picks it up straight away and finishes it (step 1 runs again: at-least-once).
    const db = await sideEffectsDatabase(database.url);
    const next = await startServer({ DATABASE_URL: database.url, ...NO_POLL });
    try {
      await eventually(async () => (await db.completed()) === 1, { timeoutMs: 15_000, what: 'the released instance to complete elsewhere' });
    } finally {
      next.process.kill('SIGKILL');
      await db.close();
    }
  }, 40_000);
});
