import { eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { killServers, NO_POLL, postJson, type ServerProcess, startServer } from '../support/server-process';


describe.each(TEST_DATABASES)('wake-ups without polling on %s', (kind) => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    servers.push(await startServer({ DATABASE_URL: database.url, ...NO_POLL }));
  });

  afterAll(async () => {
    await killServers(servers);
    await database.drop();
  });

  async function statusOf(server: ServerProcess, workflow: string, id: string): Promise<string> {
    const response = await fetch(`${server.baseUrl}/workflows/${workflow}/instances/${id}`);
    return ((await response.json()) as { details: { status: string } }).details.status;
  }

  /** Milliseconds from now until the instance is complete; fails past `withinMs`. */
  async function timeToComplete(server: ServerProcess, workflow: string, id: string, withinMs: number): Promise<number> {
    const started = Date.now();
    await eventually(() => statusOf(server, workflow, id), (status) => status === 'complete', { timeoutMs: withinMs, intervalMs: 10, what: `${workflow}/${id} to complete` });
    return Date.now() - started;
  }

  async function waitingInstance(server: ServerProcess, id: string): Promise<void> {
    expect((await postJson(`${server.baseUrl}/workflows/waiter/instances`, { id })).status).toBe(201);
    await eventually(() => statusOf(server, 'waiter', id), (status) => status === 'waiting', { timeoutMs: 5_000, intervalMs: 10, what: `${id} to start waiting` });
  }

  it('an event sent to the same process resumes a waiting instance within 2 s', async () => {
    const [runner] = servers;
    await waitingInstance(runner, 'same-process');
    expect((await postJson(`${runner.baseUrl}/workflows/waiter/instances/same-process/events`, { type: 'go' })).status).toBe(200);
    expect(await timeToComplete(runner, 'waiter', 'same-process', 2_000)).toBeLessThan(2_000);
  });

  it('a 1 s sleep wakes within 2 s of its start', async () => {
    const [runner] = servers;
    const started = Date.now();
    expect((await postJson(`${runner.baseUrl}/workflows/sleeper/instances`, { id: 'nap' })).status).toBe(201);
    await timeToComplete(runner, 'sleeper', 'nap', 3_000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    expect(elapsed).toBeLessThan(2_000);
  });

  if (kind === 'postgres') {
    it('an event sent to another process (API-only) resumes the instance within 2 s, through LISTEN/NOTIFY', async () => {
      const [runner] = servers;
      const apiOnly = await startServer({ DATABASE_URL: database.url, RUNNER_ENABLED: 'false', ...NO_POLL });
      servers.push(apiOnly);
      await waitingInstance(runner, 'other-process');
      expect((await postJson(`${apiOnly.baseUrl}/workflows/waiter/instances/other-process/events`, { type: 'go' })).status).toBe(200);
      expect(await timeToComplete(runner, 'waiter', 'other-process', 2_000)).toBeLessThan(2_000);
    });
  }
});
