/**
 * The HTTP API under a custom base path, with the tick route disabled,
 * through supertest. What is checked here does not depend on the database, so it runs on one
 * (the first of TEST_DATABASES).
 */
import request from 'supertest';
import { ONE_DATABASE } from '../../support/databases';
import { BASE, expectError, WORKFLOWS } from '../../support/http';
import { createTestApp } from '../../support/test-app';

describe.each(ONE_DATABASE)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('custom base path, tick disabled', () => {
    let server: Parameters<typeof request>[0];
    let client: Awaited<ReturnType<typeof createTestApp>>['client'];
    let close: () => Promise<void>;

    beforeAll(async () => {
      const app = await createTestApp(kind, { workflows: WORKFLOWS, runner: { enabled: false }, basePath: '/flows' });
      server = app.http;
      client = app.client;
      close = app.close;
    });
    afterAll(async () => {
      await close?.();
    });

    it('serves the routes under the base path', async () => {
      const list = await request(server).get('/flows/workflows');
      expect(list.status).toBe(200);
      expect(list.body.workflows.map((w: { name: string }) => w.name)).toContain('approval');
      const created = await request(server).post('/flows/workflows/approval/instances').send({ id: 'bp-1' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: 'bp-1', details: { status: 'queued' } });
      const got = await request(server).get('/flows/workflows/approval/instances/bp-1');
      expect(got.status).toBe(200);
      expect(got.body.meta.workflowName).toBe('approval');
      const paused = await request(server).post('/flows/workflows/approval/instances/bp-1/pause');
      expect(paused.body).toEqual({ ok: true, id: 'bp-1', details: { status: 'paused' } });
      expect((await request(server).get('/flows/workflows/approval/instances/bp-1/history')).status).toBe(200);
      expectError(await request(server).get('/flows/workflows/nope/instances'), 404, 'WORKFLOW_NOT_FOUND');
    });

    it('answers 404 ROUTE_NOT_FOUND at the default base path', async () => {
      expectError(await request(server).get(`${BASE}/workflows`), 404, 'ROUTE_NOT_FOUND');
      expectError(await request(server).post(`${BASE}/workflows/approval/instances`).send({ id: 'bp-2' }), 404, 'ROUTE_NOT_FOUND');
      expectError(await request(server).get(`${BASE}/workflows/approval/instances/bp-1`), 404, 'ROUTE_NOT_FOUND');
      await expect(client.get('approval', 'bp-2')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
    });

    it('answers 403 RUNNER_TICK_DISABLED on the tick route while enableRunnerTick is false, advancing nothing', async () => {
      await client.create('quick', { id: 'bp-tick' });
      const res = await request(server).post('/flows/_runner/tick').send({});
      expectError(res, 403, 'RUNNER_TICK_DISABLED');
      expect((await client.get('quick', 'bp-tick')).details.status).toBe('queued');
      expectError(await request(server).post('/flows/_runner/tick'), 403, 'RUNNER_TICK_DISABLED');
    });
  });
});
