import { join } from 'node:path';
import { eventually } from '../support/async';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../support/databases';
import { killServers, NO_POLL, postJson, type ServerProcess, startServer } from '../support/server-process';

const FIXTURES = join(__dirname, '..', 'fixtures', 'child-workflows');

describe.each(TEST_DATABASES)("a child's end wakes its waiting parent without polling on %s", (kind) => {
  let database: TestDatabase;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });

  afterAll(async () => {
    await killServers(servers);
    await database.drop();
  });

  async function start(env: Record<string, string>): Promise<ServerProcess> {
    const server = await startServer({ DATABASE_URL: database.url, ...NO_POLL, ...env });
    servers.push(server);
    return server;
  }

  async function viewOf(server: ServerProcess, workflow: string, id: string) {
    const response = await fetch(`${server.baseUrl}/workflows/${workflow}/instances/${id}`);
    // Not there yet: a 404 envelope, without details.
    return (await response.json()) as { details?: { status: string; output?: unknown } };
  }

  const statusIs = (server: ServerProcess, workflow: string, id: string, status: string, timeoutMs = 5_000) =>
    eventually(() => viewOf(server, workflow, id), (view) => view.details?.status === status, { timeoutMs, intervalMs: 10, what: `${workflow}/${id} to be ${status}` });

  it('in the same process: the parent completes within 2 s of its child, though the poll is a minute', async () => {
    const server = await start({ WORKFLOWS_PATH: FIXTURES });
    expect((await postJson(`${server.baseUrl}/workflows/family/instances`, { id: 'f1' })).status).toBe(201);
    await statusIs(server, 'kid', 'f1-kid', 'waiting');
    await statusIs(server, 'family', 'f1', 'waiting');
    const sent = Date.now();
    expect((await postJson(`${server.baseUrl}/workflows/kid/instances/f1-kid/events`, { type: 'go', payload: 'now' })).status).toBe(200);
    const done = await statusIs(server, 'family', 'f1', 'complete', 2_000);
    expect(Date.now() - sent).toBeLessThan(2_000);
    expect(done.details?.output).toEqual({ got: 'now' });
  });

  if (kind === 'postgres') {
    it('across processes: the instance ends in one, the run waiting for it goes on in the other within 2 s (LISTEN/NOTIFY)', async () => {
      // Each process knows only its own workflow, so each runs only its own instances.
      const parents = await start({ WORKFLOWS_PATH: join(FIXTURES, 'family.workflows.js') });
      const children = await start({ WORKFLOWS_PATH: join(FIXTURES, 'kid.workflow.js') });
      expect((await postJson(`${children.baseUrl}/workflows/kid/instances`, { id: 'k2' })).status).toBe(201);
      await statusIs(children, 'kid', 'k2', 'waiting');
      expect((await postJson(`${parents.baseUrl}/workflows/watcher/instances`, { id: 'w2', params: { kid: 'k2' } })).status).toBe(201);
      await statusIs(parents, 'watcher', 'w2', 'waiting');
      const sent = Date.now();
      expect((await postJson(`${children.baseUrl}/workflows/kid/instances/k2/events`, { type: 'go', payload: 'across' })).status).toBe(200);
      const done = await statusIs(parents, 'watcher', 'w2', 'complete', 2_000);
      expect(Date.now() - sent).toBeLessThan(2_000);
      expect(done.details?.output).toEqual({ got: 'across' });
    });
  }
});
