/**
 * The health probes over HTTP: at the application's root whatever the base path, outside the
 * standalone server's AUTH_TOKEN and the module's authorization hooks, and gone with
 * `health: false`. Readiness with the database away is in test/faults/health-ready.e2e-spec.ts.
 */
import request from 'supertest';
import { WORKFLOW_STORE } from '../../../src/core/tokens';
import type { SqlWorkflowStore } from '../../../src/persistence/sql-workflow-store';
import { TEST_DATABASES } from '../../support/databases';
import { expectError, WORKFLOWS } from '../../support/http';
import { appsClosedAfterEach } from '../../support/test-app';

describe.each(TEST_DATABASES)('health probes on %s', (kind) => {
  const app = appsClosedAfterEach();

  it('answers live and ready at the root, outside a custom base path, with every check named', async () => {
    const { http } = await app(kind, { workflows: WORKFLOWS, basePath: '/api/workflows' });
    const live = await request(http).get('/health/live');
    expect([live.status, live.body, live.headers['cache-control']]).toEqual([200, { status: 'ok' }, 'no-store']);
    const ready = await request(http).get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'ok',
      info: ready.body.details,
      error: {},
      details: {
        database: { status: 'up', responseTime: expect.any(Number) },
        migrations: { status: 'up', responseTime: expect.any(Number) },
        runner: { status: 'up', enabled: true, lastRoundAgoMs: expect.any(Number), stalledAfterMs: 3 * 1000 + 30_000 },
      },
    });
    expect((await request(http).get('/api/workflows/health/live')).status).toBe(404);
  });

  it('counts a disabled runner as ready', async () => {
    const { http } = await app(kind, { workflows: WORKFLOWS, runner: { enabled: false } });
    const ready = await request(http).get('/health/ready');
    expect([ready.status, ready.body.details.runner]).toEqual([200, { status: 'up', enabled: false }]);
  });

  it('is not ready while a migration this code knows is not recorded as applied', async () => {
    const created = await app(kind, { workflows: WORKFLOWS, runner: { enabled: false } });
    const store = created.app.get<SqlWorkflowStore>(WORKFLOW_STORE);
    const [latest] = await store.connection.statement().rows<{ name: string }>('SELECT name FROM workflow_migrations ORDER BY timestamp DESC LIMIT 1');
    await store.connection.statement().run('DELETE FROM workflow_migrations WHERE name = $1', [latest.name]);
    const ready = await request(created.http).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'error',
      error: { migrations: { status: 'down', message: `1 migration(s) not applied: ${latest.name}` } },
      info: { database: { status: 'up' }, runner: { status: 'up' } },
    });
  });

  it('needs no token when AUTH_TOKEN guards everything else, and no authorization hook is asked', async () => {
    const authorizeRequest = jest.fn(() => false);
    const { http } = await app(kind, { workflows: WORKFLOWS, authorization: { authorizeRequest } }, { authToken: 's3cret' });
    expect((await request(http).get('/health/live')).status).toBe(200);
    expect((await request(http).get('/health/ready')).status).toBe(200);
    expect((await request(http).get('/metrics')).status).toBe(200);
    expectError(await request(http).get('/api/workflows/workflows'), 401, 'UNAUTHORIZED');
    expect(authorizeRequest).not.toHaveBeenCalled();
  });

  it('is gone with health: false', async () => {
    const { http } = await app(kind, { workflows: WORKFLOWS, health: false });
    expectError(await request(http).get('/health/live'), 404, 'ROUTE_NOT_FOUND');
    expectError(await request(http).get('/health/ready'), 404, 'ROUTE_NOT_FOUND');
    expect((await request(http).get('/metrics')).status).toBe(200);
  });
});
