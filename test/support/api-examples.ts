import request from 'supertest';
import { exampleWorkflows } from '../../src/examples';
import type { ApiExamples } from '../../src/api/docs/api-example-types';
import { WorkflowsExceptionFilter } from '../../src/api/errors/workflows-exception.filter';
import { EngineError } from '../../src/engine/errors';
import { createTestApp } from './test-app';

const BASE = '/api/workflows';

/**
 * The examples the OpenAPI document shows, taken from real answers of the real API: the README's
 * walkthrough (the approval example) and the parent/child example, driven tick by tick, and one
 * real refusal for each error code a route can give.
 */
export async function collectApiExamples(): Promise<ApiExamples> {
  const app = await createTestApp('sqlite', { workflows: exampleWorkflows, runner: { enabled: false }, enableRunnerTick: true });
  const guarded = await createTestApp(
    'sqlite',
    {
      workflows: exampleWorkflows,
      runner: { enabled: false },
      authorization: {
        authorizeRead: ({ headers }) => headers['x-example'] !== 'deny',
        authorizeManagement: ({ headers }) => {
          if (headers['x-example'] === 'fault') throw new Error('a hook that fails');
        },
      },
    },
    { authToken: 'example-token' },
  );
  try {
    const http = request(app.http);
    const post = (path: string, body?: object) => http.post(`${BASE}${path}`).send(body ?? {});
    const get = (path: string) => http.get(`${BASE}${path}`);
    const del = (path: string) => http.delete(`${BASE}${path}`);
    const tick = () => post('/_runner/tick', {});
    const body = async (call: Promise<request.Response>) => (await call).body as unknown;

    const create = await body(post('/workflows/approval/instances', { id: 'req-1', params: { requester: 'ada', amount: 120 } }));
    await tick();
    const waiting = await body(get('/workflows/approval/instances/req-1'));
    const sent = await body(post('/workflows/approval/instances/req-1/events', { type: 'approval', id: 'decision-req-1', payload: { approved: true, approver: 'grace' } }));
    const tickAnswer = await body(tick());
    const history = await body(get('/workflows/approval/instances/req-1/history?includeLogs=true&pageSize=3'));
    const batch = await body(post('/workflows/approval/instances/batch', { instances: [{ id: 'req-2', params: { requester: 'grace', amount: 40 } }, { id: 'req-3', params: { requester: 'alan', amount: 75 } }] }));
    const list = await body(get('/workflows/approval/instances?pageSize=2'));
    const pause = await body(post('/workflows/approval/instances/req-2/pause'));
    const resume = await body(post('/workflows/approval/instances/req-2/resume'));
    const terminate = await body(post('/workflows/approval/instances/req-3/terminate'));
    const restart = await body(post('/workflows/approval/instances/req-3/restart'));
    // Restarted, req-3 is queued again: only `force` deletes it.
    const deleted = await body(del('/workflows/approval/instances/req-3?force=true'));
    // A finished instance with an output: the parent starts its child and waits for its report.
    await post('/workflows/parent/instances', { id: 'report-1', params: { task: 'report' } });
    for (let i = 0; i < 4; i++) await tick();
    const complete = await body(get('/workflows/parent/instances/report-1'));
    const workflows = await body(get('/workflows'));

    const error = async (call: Promise<request.Response>) => (await call).body as ApiExamples['errors'][keyof ApiExamples['errors']];
    const guardedHttp = request(guarded.http);
    const auth = { authorization: 'Bearer example-token' };
    const errors: ApiExamples['errors'] = {
      VALIDATION_ERROR: await error(get('/workflows/approval/instances?pageSize=1000')),
      INVALID_INSTANCE_ID: await error(post('/workflows/approval/instances', { id: '-no-leading-dash' })),
      INVALID_EVENT_TYPE: await error(post('/workflows/approval/instances/req-2/events', { type: 'not a type' })),
      INVALID_CURSOR: await error(get('/workflows/approval/instances?cursor=not-a-cursor')),
      WORKFLOW_PARAMS_INVALID: await error(post('/workflows/approval/instances', { params: { requester: '' } })),
      WORKFLOW_NOT_FOUND: await error(get('/workflows/billing/instances')),
      INSTANCE_NOT_FOUND: await error(get('/workflows/approval/instances/req-404')),
      ROUTE_NOT_FOUND: await error(get('/workflows/approval/things')),
      INSTANCE_ID_ALREADY_EXISTS: await error(post('/workflows/approval/instances', { id: 'req-1', params: { requester: 'ada', amount: 120 } })),
      INSTANCE_TERMINAL: await error(post('/workflows/parent/instances/report-1/pause')),
      INSTANCE_NOT_TERMINAL: await error(del('/workflows/approval/instances/req-2')),
      PAYLOAD_TOO_LARGE: await error(post('/workflows/approval/instances/req-2/events', { type: 'approval', payload: 'x'.repeat(1024 * 1024) })),
      UNAUTHORIZED: await error(guardedHttp.get(`${BASE}/workflows`)),
      FORBIDDEN: await error(guardedHttp.get(`${BASE}/workflows`).set({ ...auth, 'x-example': 'deny' })),
      RUNNER_TICK_DISABLED: await error(guardedHttp.post(`${BASE}/_runner/tick`).set(auth).send({})),
      INTERNAL_ERROR: await error(guardedHttp.post(`${BASE}/workflows/approval/instances/req-x/pause`).set({ ...auth, 'x-example': 'fault', 'x-request-id': 'req-7f3a9c' })),
      DATABASE_UNAVAILABLE: unavailableEnvelope(),
    };
    return {
      responses: { workflows, list, create, batch, waiting, complete, history, pause, resume, restart, terminate, delete: deleted, sent, tick: tickAnswer },
      errors,
    };
  } finally {
    await guarded.close();
    await app.close();
  }
}

/**
 * The envelope of a request met by an unreachable database, as the real exception filter writes
 * it (taking a database away from a test app for one example costs more than it tells).
 */
function unavailableEnvelope(): ApiExamples['errors']['DATABASE_UNAVAILABLE'] {
  let written: unknown;
  const response = { headersSent: false, setHeader: () => response, status: () => response, json: (value: unknown) => (written = value) };
  const host = { switchToHttp: () => ({ getResponse: () => response, getRequest: () => ({ method: 'GET', originalUrl: '/', headers: {} }) }) };
  new WorkflowsExceptionFilter().catch(new EngineError('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly'), host as never);
  return written as ApiExamples['errors']['DATABASE_UNAVAILABLE'];
}

/** Times and generated ids differ between two runs; everything else must not. */
export function normalizeExamples(examples: unknown): unknown {
  return JSON.parse(
    JSON.stringify(examples)
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/g, '<time>')
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uuid>')
      .replace(/"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{43}"/g, '"<cursor>"')
      .replace(/"id":"\d+"/g, '"id":"<log id>"'),
  );
}
