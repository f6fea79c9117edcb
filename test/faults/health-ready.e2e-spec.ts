/**
 * Readiness follows the database: a PostgreSQL server of the test's own is stopped (503 within
 * the check timeout, never a hang, the database errors counted as `unavailable`) and started
 * again (200). Liveness stays 200 throughout: an outage is no reason to restart the process.
 */
import request from 'supertest';
import { eventually } from '../support/async';
import { TEST_DATABASES } from '../support/databases';
import { WORKFLOWS } from '../support/http';
import { canCreatePostgresClusters, createPostgresCluster, type PostgresCluster } from '../support/postgres-cluster';
import { parsePrometheusText } from '../support/prometheus';
import { createTestApp } from '../support/test-app';

const describeWithClusters = TEST_DATABASES.includes('postgres') && canCreatePostgresClusters() ? describe : describe.skip;
const CHECK_TIMEOUT_MS = 1_000;

describeWithClusters('readiness while PostgreSQL is stopped and started again', () => {
  let cluster: PostgresCluster | undefined;
  let app: Awaited<ReturnType<typeof createTestApp>> | undefined;

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    await cluster.createDatabase('ready');
    app = await createTestApp('postgres', {
      workflows: WORKFLOWS,
      database: { url: cluster.url('ready') },
      runner: { pollIntervalMs: 200 },
      health: { checkTimeoutMs: CHECK_TIMEOUT_MS },
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await cluster?.drop();
  }, 60_000);

  it('answers 503 naming the database while it is away, 200 again once it is back', async () => {
    const http = app!.http;
    const unavailableErrors = async () =>
      parsePrometheusText((await request(http).get('/metrics')).text)['workflows_database_errors_total{kind="unavailable"}'] ?? 0;
    expect((await request(http).get('/health/ready')).status).toBe(200);
    const errorsBefore = await unavailableErrors();

    await cluster!.stop();
    const sent = Date.now();
    const down = await request(http).get('/health/ready');
    expect(Date.now() - sent).toBeLessThan(CHECK_TIMEOUT_MS + 1_000);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'error',
      error: { database: { status: 'down', message: expect.any(String) }, migrations: { status: 'down' } },
      info: { runner: { status: 'up', enabled: true } },
    });
    expect((await request(http).get('/health/live')).status).toBe(200);
    expect(await unavailableErrors()).toBeGreaterThan(errorsBefore);

    await cluster!.start();
    const up = await eventually(() => request(http).get('/health/ready'), (response) => response.status === 200, {
      timeoutMs: 15_000,
      what: 'readiness to return',
    });
    expect(up.body.status).toBe('ok');
  }, 60_000);
});
