import { eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { postJson, type ServerProcess, startServer } from '../support/server-process';

async function statusOf(server: ServerProcess, workflow: string, id: string) {
  const response = await fetch(`${server.baseUrl}/workflows/${workflow}/instances/${id}`);
  return (await response.json()) as { details: { status: string; error?: unknown; output?: unknown } };
}

describe.each(TEST_DATABASES)('the standalone server survives misbehaving workflow code on %s', (kind) => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });

  afterEach(async () => {
    server?.process.kill('SIGKILL');
    await server?.exited;
    server = undefined;
    await database.drop();
  });

  it('an unprintable thrown value errors the instance; stray rejections and timer throws are logged with their instance and step', async () => {
    server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'error' });
    expect((await postJson(`${server.baseUrl}/workflows/unprintable/instances`, { id: 'u1' })).status).toBe(201);
    expect((await postJson(`${server.baseUrl}/workflows/stray-errors/instances`, { id: 's1' })).status).toBe(201);
    await eventually(async () => (await statusOf(server!, 'unprintable', 'u1')).details.status === 'errored', { timeoutMs: 10_000, what: 'u1 to error' });
    await eventually(async () => (await statusOf(server!, 'stray-errors', 's1')).details.status === 'complete', { timeoutMs: 10_000, what: 's1 to complete' });
    await eventually(async () => server!.output().includes('floating rejection in workflow code'), { timeoutMs: 5_000, what: 'the workflow-level rejection to be logged' });

    expect((await statusOf(server, 'unprintable', 'u1')).details.error).toEqual({ name: 'Error', message: '[unprintable value]' });
    const output = server.output();
    expect(output).toMatch(/Unhandled promise rejection from workflow code \(stray-errors\/s1 run \d+ step "leaves a rejection" attempt 1\): Error: floating rejection in a step/);
    expect(output).toMatch(/Uncaught exception from workflow code \(stray-errors\/s1 run \d+ step "leaves a rejection" attempt 1\): Error: thrown in a timer of a step/);
    expect(output).toMatch(/Unhandled promise rejection from workflow code \(stray-errors\/s1 run \d+\): Error: floating rejection in workflow code/);
    // Still serving.
    expect(server.process.exitCode).toBeNull();
    expect((await fetch(`${server.baseUrl}/workflows`)).status).toBe(200);
  }, 60_000);

  it('an instance queued before start-up that throws an unprintable value does not stop the server from serving or restarting it', async () => {
    // Queued by an API-only process, then picked up at the first claim of a fresh one.
    server = await startServer({ DATABASE_URL: database.url, RUNNER_ENABLED: 'false' });
    for (const id of ['p1', 'p2']) expect((await postJson(`${server.baseUrl}/workflows/unprintable/instances`, { id })).status).toBe(201);
    server.process.kill('SIGTERM');
    await server.exited;
    server = await startServer({ DATABASE_URL: database.url });
    await eventually(async () => (await statusOf(server!, 'unprintable', 'p1')).details.status === 'errored', { timeoutMs: 10_000, what: 'p1 to error' });
    expect((await postJson(`${server.baseUrl}/workflows/unprintable/instances/p2/restart`, {})).status).toBe(200);
    await eventually(async () => (await statusOf(server!, 'unprintable', 'p2')).details.status === 'errored', { timeoutMs: 10_000, what: 'p2 to error again' });
    expect(server.process.exitCode).toBeNull();
  }, 60_000);
});
