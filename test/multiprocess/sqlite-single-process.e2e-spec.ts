import { eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { postJson, type ServerProcess, startServer } from '../support/server-process';

const describeOnSqlite = TEST_DATABASES.includes('sqlite') ? describe : describe.skip;

async function instance(server: ServerProcess, id: string) {
  return (await (await fetch(`${server.baseUrl}/workflows/slow/instances/${id}`)).json()) as {
    details: { status: string };
    meta: { currentStep?: { attempts: number } };
  };
}

describeOnSqlite('SQLite: one process per database file', () => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeEach(async () => {
    database = await createTestDatabase('sqlite');
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.process.kill('SIGKILL');
      await server.exited;
    }
    await database.drop();
  });

  it('a process restarted after a crash takes its runs back at once, not after their 30 s leases', async () => {
    const first = await startServer({ DATABASE_URL: database.url, RUNNER_LEASE_MS: '30000' });
    servers.push(first);
    expect((await postJson(`${first.baseUrl}/workflows/slow/instances`, { id: 'crashed', params: { workMs: 60_000 } })).status).toBe(201);
    await eventually(async () => (await instance(first, 'crashed')).details.status === 'running', { timeoutMs: 10_000, what: 'the step to start' });
    first.process.kill('SIGKILL');
    await first.exited;

    const restartedAt = Date.now();
    const second = await startServer({ DATABASE_URL: database.url, RUNNER_LEASE_MS: '30000' });
    servers.push(second);
    // Taken back and running again well within the old lease (which had ~30 s left).
    await eventually(async () => (await instance(second, 'crashed')).details.status === 'running', { timeoutMs: 10_000, what: 'the run to be claimed again' });
    expect(Date.now() - restartedAt).toBeLessThan(15_000);
  }, 60_000);

  it('a second process on the same file stops at start-up with a clear message', async () => {
    const first = await startServer({ DATABASE_URL: database.url });
    servers.push(first);
    await expect(startServer({ DATABASE_URL: database.url })).rejects.toThrow(/Start-up failed: SQLite database .* is in use by another process/);
    // The first one is untouched.
    expect((await fetch(`${first.baseUrl}/workflows`)).status).toBe(200);
  }, 60_000);
});
