import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, POSTGRES_URL } from '../support/databases';
import { FIXTURE_WORKFLOWS, freePort, jsonLines, runServerToExit, type ServerProcess, startServer } from '../support/server-process';
import { sqliteMigrations } from '../../src/persistence/migrations/sqlite';

/**
 * The standalone server's start-up, as an operator sees it: the block saying what started where,
 * and a start-up that cannot succeed stopping with exit code 1 and one line saying why.
 */

const LOGS_FIXTURE = join(FIXTURE_WORKFLOWS, 'logs.workflows.js');

async function stop(server: ServerProcess): Promise<void> {
  server.process.kill('SIGTERM');
  await server.exited;
}

function postgresUrl(database: string, port = 5432): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  url.port = String(port);
  return url.toString();
}

describe('start-up failures: exit code 1 and one line', () => {
  it('a PostgreSQL database that does not exist', async () => {
    const name = `wf_missing_${randomBytes(4).toString('hex')}`;
    const { code, stdout, stderr } = await runServerToExit({ DATABASE_URL: postgresUrl(name) });
    expect(code).toBe(1);
    const { hostname, port } = new URL(POSTGRES_URL);
    expect(stderr).toBe(`Start-up failed: database "${name}" does not exist at ${hostname}:${port || 5432}\n`);
    expect(stdout).toBe('');
  });

  it('a PostgreSQL port nobody listens on', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await runServerToExit({ DATABASE_URL: postgresUrl('workflows', port) });
    expect(code).toBe(1);
    expect(stderr).toBe(`Start-up failed: cannot reach the database at ${new URL(POSTGRES_URL).hostname}:${port} (ECONNREFUSED)\n`);
    expect(stdout).toBe('');
  });

  it('an invalid variable, before anything is opened', async () => {
    const { code, stdout, stderr } = await runServerToExit({ RUNNER_CONCURRENCY: 'ten', CURSOR_SECRET: 'too-short' });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'Start-up failed: RUNNER_CONCURRENCY must be a whole number from 1 to 1000 (got "ten"); CURSOR_SECRET must be at least 16 characters long (got 9 characters)\n',
    );
    expect(stdout).toBe('');
  });
});

describe('the start-up block', () => {
  it('says the version, the SQLite file, the migrations applied now, each workflow with its file, the runner and the URLs', async () => {
    const file = join(tmpdir(), `wf_startup_${process.pid}_${randomBytes(4).toString('hex')}.sqlite`);
    const env = { DATABASE_URL: `sqlite:${file}`, WORKFLOWS_PATH: LOGS_FIXTURE, EXAMPLES: 'true', LOG_LEVEL: 'info', LOG_FORMAT: 'json', RUNNER_CONCURRENCY: '4' };
    const first = await startServer(env);
    await stop(first);
    const [block] = jsonLines(first.output()).filter((line) => line.context === 'Server');
    const port = new URL(first.baseUrl).port;
    expect(block.level).toBe('info');
    const msg = String(block.msg);
    expect(msg).toMatch(/^Durable Workflows started\n {2}version {5}0\.1\.0\n {2}database {4}SQLite \//);
    expect(msg).toContain(`  database    SQLite ${file}\n`);
    // Every SQLite migration this version has, in order: a fresh file gets them all now.
    const names = sqliteMigrations.map((migration) => new migration().name).join(', ');
    expect(msg).toContain(`  migrations  applied now: ${names}\n`);
    expect(msg).toContain(`  workflows   approval\n              order\n              parent\n              child\n              logs-complete (${LOGS_FIXTURE})\n`);
    expect(msg).toContain('  runner      enabled, concurrency 4\n');
    expect(msg).toContain(`  API         http://localhost:${port}/api/workflows\n  Swagger UI  http://localhost:${port}/docs\n`);
    expect(msg).toContain(`  health      http://localhost:${port}/health/live, http://localhost:${port}/health/ready\n  metrics     http://localhost:${port}/metrics`);
    expect(block.startup).toMatchObject({ version: '0.1.0', runner: { enabled: true, concurrency: 4 }, urls: { metrics: `http://localhost:${port}/metrics` } });

    const second = await startServer({ ...env, RUNNER_ENABLED: 'false', HOST: '127.0.0.1' });
    await stop(second);
    const [again] = jsonLines(second.output()).filter((line) => line.context === 'Server');
    expect(again.msg).toContain('  migrations  up to date\n');
    expect(again.msg).toContain('  runner      disabled (API only)\n');
    expect(again.msg).toContain(`  API         http://127.0.0.1:${new URL(second.baseUrl).port}/api/workflows\n`);
  });

  it('names the PostgreSQL database by host, port, name and user, never its password', async () => {
    const database = await createTestDatabase('postgres');
    try {
      const url = new URL(database.url);
      // The local server trusts every connection, so any password gets in: it must not get out.
      url.password = 'hunter2-never-logged';
      const server = await startServer({ DATABASE_URL: url.toString(), LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
      await stop(server);
      const name = url.pathname.slice(1);
      expect(server.output()).toContain(`  database    PostgreSQL ${url.hostname}:${url.port || 5432}/${name} (user ${url.username})\n`.replace(/\n/g, '\\n'));
      expect(server.output()).not.toContain('hunter2');
    } finally {
      await database.drop();
    }
  });

  it('LOG_FORMAT=pretty prints it as readable lines', async () => {
    const server = await startServer({ DATABASE_URL: 'sqlite::memory:', LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' });
    await stop(server);
    expect(server.output()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[Server\] Durable Workflows started\n {2}version {5}0\.1\.0\n/m);
    expect(server.output()).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[HttpRequest\] GET \/api\/workflows\/workflows 200\n {4}reqId: "[0-9a-f-]{36}"\n {4}responseTime: \d+\n/m);
    expect(server.output()).not.toContain('{"level"');
  });
});
