/**
 * Authorization hooks of the HTTP API: which hook each route asks, in which
 * order, what a denial answers and that it changes nothing;
 * through supertest. What is checked here does not depend on the database, so it runs on one
 * (the first of TEST_DATABASES).
 */
import request from 'supertest';
import { HttpException, Logger, UnauthorizedException } from '@nestjs/common';
import type { AuthorizationHooks } from '../../../src/api/auth/authorization-hooks';
import { ONE_DATABASE } from '../../support/databases';
import { BASE, expectError, WORKFLOWS } from '../../support/http';
import { createTestApp } from '../../support/test-app';

describe.each(ONE_DATABASE)('HTTP API on %s', (kind) => {
  // ==============================================================================================
  describe('authorization hooks', () => {
    const hooks = {
      authorizeRequest: jest.fn(),
      authorizeInstanceCreation: jest.fn(),
      authorizeManagement: jest.fn(),
      authorizeSendEvent: jest.fn(),
      authorizeRunnerTick: jest.fn(),
      authorizeRead: jest.fn(),
    };
    type HookName = keyof typeof hooks;
    let server: Parameters<typeof request>[0];
    let client: Awaited<ReturnType<typeof createTestApp>>['client'];
    let close: () => Promise<void>;

    beforeAll(async () => {
      const app = await createTestApp(kind, {
        workflows: WORKFLOWS,
        runner: { enabled: false },
        enableRunnerTick: true,
        authorization: hooks as AuthorizationHooks,
      });
      server = app.http;
      client = app.client;
      close = app.close;
      await client.create('approval', { id: 'auth-live' });
      await client.create('quick', { id: 'auth-other' });
      await client.tick({ maxInstances: 1000 });
      expect((await client.get('approval', 'auth-live')).details.status).toBe('waiting');
    });
    afterAll(async () => {
      await close?.();
    });
    beforeEach(() => {
      for (const hook of Object.values(hooks)) hook.mockReset();
    });

    const W = `${BASE}/workflows/approval/instances`;
    /** Every route, with the dedicated hook it should call. */
    const routes: { name: string; hook: HookName; send: () => request.Test }[] = [
      { name: 'GET /workflows', hook: 'authorizeRead', send: () => request(server).get(`${BASE}/workflows`) },
      { name: 'GET list', hook: 'authorizeRead', send: () => request(server).get(W) },
      { name: 'POST create', hook: 'authorizeInstanceCreation', send: () => request(server).post(W).send({ id: 'auth-created' }) },
      { name: 'POST batch', hook: 'authorizeInstanceCreation', send: () => request(server).post(`${W}/batch`).send({ instances: [{ id: 'auth-batch' }] }) },
      { name: 'GET instance', hook: 'authorizeRead', send: () => request(server).get(`${W}/auth-live`) },
      { name: 'GET history', hook: 'authorizeRead', send: () => request(server).get(`${W}/auth-live/history`) },
      { name: 'POST pause', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/pause`) },
      { name: 'POST resume', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/resume`) },
      { name: 'POST restart', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/restart`) },
      { name: 'POST terminate', hook: 'authorizeManagement', send: () => request(server).post(`${W}/auth-live/terminate`) },
      { name: 'DELETE instance', hook: 'authorizeManagement', send: () => request(server).delete(`${W}/auth-live?force=true`) },
      { name: 'POST events', hook: 'authorizeSendEvent', send: () => request(server).post(`${W}/auth-live/events`).send({ type: 'denied-event' }) },
      { name: 'POST tick', hook: 'authorizeRunnerTick', send: () => request(server).post(`${BASE}/_runner/tick`).send({}) },
    ];

    /** What every denied request must have left alone. */
    async function expectNothingChanged() {
      await expect(client.get('approval', 'auth-created')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
      await expect(client.get('approval', 'auth-batch')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
      const live = await client.get('approval', 'auth-live');
      expect(live.details.status).toBe('waiting');
      expect(live.meta.runNumber).toBe(0);
      expect((await client.history('approval', 'auth-live')).events).toEqual([]);
    }

    it('authorizeRequest runs for every route, before the dedicated hook, and its false denies every route with 403 FORBIDDEN', async () => {
      for (const route of routes) {
        hooks.authorizeRequest.mockReset().mockReturnValue(false);
        hooks[route.hook].mockReset();
        const res = await route.send();
        expectError(res, 403, 'FORBIDDEN');
        expect({ route: route.name, calls: hooks.authorizeRequest.mock.calls.length }).toEqual({ route: route.name, calls: 1 });
        expect({ route: route.name, dedicated: hooks[route.hook].mock.calls.length }).toEqual({ route: route.name, dedicated: 0 });
      }
      await expectNothingChanged();

      // Allowed: both run, authorizeRequest first. Reads only, so nothing changes.
      for (const route of routes.filter((r) => r.hook === 'authorizeRead')) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks.authorizeRequest.mockReturnValue(true);
        const res = await route.send();
        expect({ route: route.name, status: res.status }).toEqual({ route: route.name, status: 200 });
        expect(hooks.authorizeRequest).toHaveBeenCalledTimes(1);
        expect(hooks.authorizeRead).toHaveBeenCalledTimes(1);
        expect(hooks.authorizeRequest.mock.invocationCallOrder[0]).toBeLessThan(hooks.authorizeRead.mock.invocationCallOrder[0]);
      }
    });

    it('each dedicated hook returning false answers 403 FORBIDDEN and changes nothing', async () => {
      for (const route of routes) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks[route.hook].mockResolvedValue(false);
        const res = await route.send();
        expectError(res, 403, 'FORBIDDEN');
        expect({ route: route.name, request: hooks.authorizeRequest.mock.calls.length, dedicated: hooks[route.hook].mock.calls.length }).toEqual({
          route: route.name,
          request: 1,
          dedicated: 1,
        });
        expect(hooks.authorizeRequest.mock.invocationCallOrder[0]).toBeLessThan(hooks[route.hook].mock.invocationCallOrder[0]);
        // Only the route's own hook was asked.
        for (const other of Object.keys(hooks) as HookName[]) {
          if (other !== route.hook && other !== 'authorizeRequest') expect({ route: route.name, other, calls: hooks[other].mock.calls.length }).toEqual({ route: route.name, other, calls: 0 });
        }
      }
      await expectNothingChanged();
    });

    it('a hook throwing UnauthorizedException answers 401 UNAUTHORIZED with its message and changes nothing', async () => {
      for (const route of routes) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks[route.hook].mockImplementation(() => {
          throw new UnauthorizedException('nope');
        });
        expectError(await route.send(), 401, 'UNAUTHORIZED', 'nope');
      }
      for (const hook of Object.values(hooks)) hook.mockReset();
      hooks.authorizeRequest.mockRejectedValue(new UnauthorizedException('nope'));
      expectError(await routes[2].send(), 401, 'UNAUTHORIZED', 'nope');
      expect(hooks.authorizeInstanceCreation).not.toHaveBeenCalled();
      await expectNothingChanged();
    });

    it('a hook throwing an HttpException with 429 answers 429 with its message in the envelope and changes nothing', async () => {
      for (const route of routes) {
        for (const hook of Object.values(hooks)) hook.mockReset();
        hooks[route.hook].mockImplementation(() => {
          throw new HttpException('slow down', 429);
        });
        const res = await route.send();
        expect({ route: route.name, status: res.status }).toEqual({ route: route.name, status: 429 });
        const body = expectError(res, 429, res.body.code, 'slow down');
        expect(typeof body.code).toBe('string');
        expect(body.code).not.toBe('');
      }
      await expectNothingChanged();
    });

    it('hooks returning nothing or true allow, and get the documented context', async () => {
      const headers = { 'x-user': 'ada' };
      hooks.authorizeRequest.mockReturnValue(undefined);
      const common = (method: string, route: RegExp, params: object, query: object, body: unknown) => ({
        method,
        route: expect.stringMatching(route),
        params,
        query,
        headers: expect.objectContaining({ 'x-user': 'ada' }),
        body,
      });

      // Creation.
      hooks.authorizeInstanceCreation.mockReturnValue(true);
      const created = await request(server).post(W).set(headers).send({ id: 'ctx-created', params: { a: 1 } });
      expect(created.status).toBe(201);
      expect(hooks.authorizeInstanceCreation).toHaveBeenCalledWith({
        ...common('POST', /\/workflows\/:workflowName\/instances$/, { workflowName: 'approval' }, {}, { id: 'ctx-created', params: { a: 1 } }),
        workflowName: 'approval',
        instances: [{ id: 'ctx-created', params: { a: 1 } }],
      });
      expect(hooks.authorizeRequest).toHaveBeenLastCalledWith(
        common('POST', /\/workflows\/:workflowName\/instances$/, { workflowName: 'approval' }, {}, { id: 'ctx-created', params: { a: 1 } }),
      );
      expect((await client.get('approval', 'ctx-created')).meta.params).toEqual({ a: 1 });

      // Batch.
      const batchBody = { instances: [{ id: 'ctx-b1' }, { id: 'ctx-b2', params: 2 }] };
      const batch = await request(server).post(`${W}/batch`).set(headers).send(batchBody);
      expect(batch.status).toBe(201);
      expect(hooks.authorizeInstanceCreation).toHaveBeenLastCalledWith({
        ...common('POST', /\/workflows\/:workflowName\/instances\/batch$/, { workflowName: 'approval' }, {}, batchBody),
        workflowName: 'approval',
        instances: batchBody.instances,
      });

      // Management: each action named. These requests carry no body.
      hooks.authorizeManagement.mockReturnValue(undefined);
      for (const action of ['pause', 'resume', 'terminate', 'restart']) {
        const res = await request(server).post(`${W}/ctx-created/${action}`).set(headers);
        expect(res.status).toBe(200);
        const [context] = hooks.authorizeManagement.mock.lastCall!;
        const { body, ...rest } = context as { body: unknown };
        expect([undefined, {}]).toContainEqual(body);
        expect(rest).toEqual({
          method: 'POST',
          route: expect.stringMatching(new RegExp(`/workflows/:workflowName/instances/:instanceId/${action}$`)),
          params: { workflowName: 'approval', instanceId: 'ctx-created' },
          query: {},
          headers: expect.objectContaining({ 'x-user': 'ada' }),
          workflowName: 'approval',
          instanceId: 'ctx-created',
          action,
        });
      }
      expect((await client.get('approval', 'ctx-created')).meta.runNumber).toBe(1);

      // Delete: the action is 'delete', the query as it came.
      await client.create('approval', { id: 'ctx-deleted' });
      const deleted = await request(server).delete(`${W}/ctx-deleted`).query({ force: 'true' }).set(headers);
      expect(deleted.status).toBe(200);
      expect(hooks.authorizeManagement).toHaveBeenLastCalledWith(
        expect.objectContaining({
          method: 'DELETE',
          route: expect.stringMatching(/\/workflows\/:workflowName\/instances\/:instanceId$/),
          params: { workflowName: 'approval', instanceId: 'ctx-deleted' },
          query: { force: 'true' },
          workflowName: 'approval',
          instanceId: 'ctx-deleted',
          action: 'delete',
        }),
      );
      await expect(client.get('approval', 'ctx-deleted')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });

      // Send event.
      hooks.authorizeSendEvent.mockReturnValue(true);
      const event = await request(server).post(`${W}/ctx-created/events`).set(headers).send({ type: 'ping', payload: { p: 1 } });
      expect(event.status).toBe(200);
      expect(hooks.authorizeSendEvent).toHaveBeenCalledWith({
        ...common('POST', /\/workflows\/:workflowName\/instances\/:instanceId\/events$/, { workflowName: 'approval', instanceId: 'ctx-created' }, {}, { type: 'ping', payload: { p: 1 } }),
        workflowName: 'approval',
        instanceId: 'ctx-created',
        eventType: 'ping',
        payload: { p: 1 },
      });

      // Tick.
      const tick = await request(server).post(`${BASE}/_runner/tick`).set(headers).send({ maxInstances: 3 });
      expect(tick.status).toBe(200);
      expect(hooks.authorizeRunnerTick).toHaveBeenCalledWith({
        ...common('POST', /\/_runner\/tick$/, {}, {}, { maxInstances: 3 }),
        options: { maxInstances: 3 },
      });

      // Reads: list (with its raw query), get, history, workflows.
      const list = await request(server).get(W).query({ pageSize: '5', status: 'waiting' }).set(headers);
      expect(list.status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(
        expect.objectContaining({
          method: 'GET',
          route: expect.stringMatching(/\/workflows\/:workflowName\/instances$/),
          params: { workflowName: 'approval' },
          // The raw query, before validation.
          query: { pageSize: '5', status: 'waiting' },
          headers: expect.objectContaining({ 'x-user': 'ada' }),
          workflowName: 'approval',
        }),
      );
      const got = await request(server).get(`${W}/ctx-created`).set(headers);
      expect(got.status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(
        expect.objectContaining({
          method: 'GET',
          route: expect.stringMatching(/\/workflows\/:workflowName\/instances\/:instanceId$/),
          params: { workflowName: 'approval', instanceId: 'ctx-created' },
          workflowName: 'approval',
          instanceId: 'ctx-created',
        }),
      );
      const hist = await request(server).get(`${W}/ctx-created/history`).query({ includeLogs: 'true' }).set(headers);
      expect(hist.status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(
        expect.objectContaining({
          route: expect.stringMatching(/\/workflows\/:workflowName\/instances\/:instanceId\/history$/),
          query: { includeLogs: 'true' },
          instanceId: 'ctx-created',
        }),
      );
      expect((await request(server).get(`${BASE}/workflows`).set(headers)).status).toBe(200);
      expect(hooks.authorizeRead).toHaveBeenLastCalledWith(expect.objectContaining({ method: 'GET', route: expect.stringMatching(/\/workflows$/) }));
      expect(hooks.authorizeRequest).toHaveBeenCalledTimes(4 + 1 + 2 + 1 + 1 + 4);
    });

    it('a hook failing with a plain Error answers 500 INTERNAL_ERROR naming only the request id, and logs it', async () => {
      const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
      try {
        hooks.authorizeRead.mockImplementation(() => {
          throw new Error('secret database password in here');
        });
        const res = await request(server).get(`${BASE}/workflows`).set('x-request-id', 'req-123');
        const body = expectError(res, 500, 'INTERNAL_ERROR');
        expect(body.details).toEqual({ errorId: 'req-123' });
        expect(res.text).not.toContain('secret');
        expect(logged.mock.calls.some((call) => call.join(' ').includes('req-123'))).toBe(true);
      } finally {
        logged.mockRestore();
      }
    });

    it('hooks do not run for unknown routes, which answer 404 ROUTE_NOT_FOUND', async () => {
      hooks.authorizeRequest.mockReturnValue(false);
      expectError(await request(server).get(`${BASE}/unknown`), 404, 'ROUTE_NOT_FOUND');
      expect(hooks.authorizeRequest).not.toHaveBeenCalled();
    });
  });
});
