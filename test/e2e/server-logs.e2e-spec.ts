import { join } from 'node:path';
import { eventually } from '../support/async';
import { createTestDatabase, type TestDatabase } from '../support/databases';
import { FIXTURE_WORKFLOWS, jsonLines, type ServerProcess, startServer } from '../support/server-process';

/**
 * The standalone server's JSON log lines, read from a real server process: request ids, what is
 * never written (credentials, secrets, payloads), the runner's lines, and the audit trail.
 */

const TOKEN = 'tok-9f8e7d6c5b4a-never-logged';
const CURSOR_SECRET = 'cursor-secret-0123456789-never-logged';
const PII = 'PII-ada-lovelace-0042';

type Line = Record<string, unknown>;

async function send(server: ServerProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, requestId: response.headers.get('x-request-id'), body: (await response.json()) as Record<string, unknown> };
}

const lines = (server: ServerProcess): Line[] => jsonLines(server.output());

/** Waits for a line matching `fields` (a partial match) and returns it. */
async function lineLike(server: ServerProcess, fields: Line): Promise<Line> {
  const found = await eventually(
    async () => lines(server).find((line) => Object.entries(fields).every(([key, value]) => JSON.stringify(line[key]) === JSON.stringify(value))),
    { what: `a log line with ${JSON.stringify(fields)}`, timeoutMs: 10_000 },
  );
  return found!;
}

async function startLoggingServer(env: Record<string, string> = {}) {
  const database = await createTestDatabase('sqlite');
  const server = await startServer({
    DATABASE_URL: database.url,
    WORKFLOWS_PATH: join(FIXTURE_WORKFLOWS, 'logs.workflows.js'),
    AUTH_TOKEN: TOKEN,
    CURSOR_SECRET,
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    ...env,
  });
  return { server, database };
}

async function stopServer({ server, database }: { server: ServerProcess; database: TestDatabase }) {
  server.process.kill('SIGTERM');
  await server.exited;
  await database.drop();
}

describe('server logs (LOG_PAYLOADS unset)', () => {
  let running: { server: ServerProcess; database: TestDatabase };
  let server: ServerProcess;

  beforeAll(async () => {
    running = await startLoggingServer();
    server = running.server;
  });
  afterAll(() => stopServer(running));

  describe('request ids', () => {
    it('a sane X-Request-Id is kept, echoed and on the request line', async () => {
      const answer = await send(server, 'GET', '/workflows', undefined, { 'x-request-id': 'client-req.42' });
      expect(answer.requestId).toBe('client-req.42');
      const line = await lineLike(server, { context: 'HttpRequest', reqId: 'client-req.42' });
      expect(line).toMatchObject({ level: 'info', req: { method: 'GET', url: '/api/workflows/workflows' }, res: { statusCode: 200 }, msg: 'GET /api/workflows/workflows 200' });
      expect(typeof line.responseTime).toBe('number');
    });

    it('without one, an id is generated, echoed and logged', async () => {
      const answer = await send(server, 'GET', '/workflows');
      expect(answer.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      await lineLike(server, { context: 'HttpRequest', reqId: answer.requestId });
    });

    it('one that is not sane (too long, odd characters) is replaced', async () => {
      for (const given of ['x'.repeat(129), 'id with spaces', 'a"b']) {
        const answer = await send(server, 'GET', '/workflows', undefined, { 'x-request-id': given });
        expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
        await lineLike(server, { context: 'HttpRequest', reqId: answer.requestId });
      }
      expect(server.output()).not.toContain('id with spaces');
    });

    it('a request refused for its token is logged with its id too', async () => {
      const answer = await send(server, 'GET', '/workflows', undefined, { authorization: 'Bearer wrong-token-123', 'x-request-id': 'refused-1' });
      expect(answer.status).toBe(401);
      await lineLike(server, { reqId: 'refused-1', res: { statusCode: 401 } });
    });
  });

  describe('runner lines', () => {
    it('a run that completes: started and completed, each with workflow, instance and run; its step.log at debug', async () => {
      await send(server, 'POST', '/workflows/logs-complete/instances', { id: 'done-1', params: { secret: PII } });
      const key = { workflowName: 'logs-complete', instanceId: 'done-1', runNumber: 0 };
      expect(await lineLike(server, { ...key, msg: 'Run started: logs-complete/done-1 run 0' })).toMatchObject({ level: 'info', context: 'WorkflowsRunner' });
      expect(await lineLike(server, { ...key, outcome: 'complete' })).toMatchObject({ level: 'info', msg: 'Run completed: logs-complete/done-1 run 0' });
      expect(await lineLike(server, { ...key, msg: 'echoing the params' })).toMatchObject({
        level: 'debug',
        stepName: 'echo',
        workflowLog: { level: 'info', category: 'workflow' },
      });
    });

    it('a step that fails once: the retry scheduled, with the step, attempt, error and when', async () => {
      await send(server, 'POST', '/workflows/logs-retry/instances', { id: 'retry-1' });
      const key = { workflowName: 'logs-retry', instanceId: 'retry-1', runNumber: 0 };
      const retry = await lineLike(server, { ...key, stepName: 'flaky', attempt: 1 });
      expect(retry).toMatchObject({ level: 'info', error: { name: 'TypeError', message: 'first attempt fails' } });
      expect(new Date(String(retry.retryAt)).toISOString()).toBe(retry.retryAt);
      expect(retry.msg).toBe(`Step retry scheduled at ${String(retry.retryAt)}: step "flaky" of logs-retry/retry-1 run 0 (attempt 1 failed: TypeError: first attempt fails)`);
      await lineLike(server, { ...key, outcome: 'complete' });
    });

    it('a run that errors: the error name and message', async () => {
      await send(server, 'POST', '/workflows/logs-error/instances', { id: 'error-1' });
      const key = { workflowName: 'logs-error', instanceId: 'error-1', runNumber: 0 };
      expect(await lineLike(server, { ...key, outcome: 'errored' })).toMatchObject({
        level: 'info',
        error: { name: 'LedgerClosedError', message: 'the ledger is closed' },
        msg: 'Run errored: logs-error/error-1 run 0: LedgerClosedError: the ledger is closed',
      });
      expect(await lineLike(server, { ...key, stepName: 'doomed', attempt: 1 })).toMatchObject({ msg: expect.stringContaining('Step failed, no retry left') });
    });
  });

  describe('audit trail', () => {
    it('a pause is logged at info with the principal (the AUTH_TOKEN check: "token") and the request id', async () => {
      await send(server, 'POST', '/workflows/logs-wait/instances', { id: 'audit-1' });
      await eventually(async () => (await send(server, 'GET', '/workflows/logs-wait/instances/audit-1')).body.details, (d) => (d as { status: string }).status === 'waiting');
      const answer = await send(server, 'POST', '/workflows/logs-wait/instances/audit-1/pause', undefined, { 'x-request-id': 'audit-pause-1' });
      expect(answer.status).toBe(200);
      expect(await lineLike(server, { audit: true, action: 'pause', instanceId: 'audit-1' })).toEqual({
        level: 'info',
        time: expect.any(String),
        pid: expect.any(Number),
        hostname: expect.any(String),
        context: 'WorkflowsAudit',
        audit: true,
        reqId: 'audit-pause-1',
        action: 'pause',
        workflowName: 'logs-wait',
        instanceId: 'audit-1',
        principal: 'token',
        outcome: 'ok',
        msg: 'Audit: pause logs-wait/audit-1 by token',
      });
    });

    it('a refused action and an event are logged too, the event without its payload', async () => {
      await send(server, 'POST', '/workflows/logs-wait/instances', { id: 'audit-2' });
      const sent = await send(server, 'POST', '/workflows/logs-wait/instances/audit-2/events', { type: 'decision', payload: { approvedBy: PII } });
      expect(sent.status).toBe(200);
      expect(await lineLike(server, { audit: true, action: 'event', instanceId: 'audit-2' })).toMatchObject({
        principal: 'token',
        eventType: 'decision',
        eventId: (sent.body.event as { id: string }).id,
        outcome: 'ok',
      });
      await send(server, 'POST', '/workflows/logs-wait/instances/audit-2/terminate');
      await send(server, 'POST', '/workflows/logs-wait/instances/audit-2/resume');
      expect(await lineLike(server, { audit: true, action: 'resume', instanceId: 'audit-2' })).toMatchObject({ outcome: 'INSTANCE_TERMINAL', msg: 'Audit: resume logs-wait/audit-2 by token failed: INSTANCE_TERMINAL' });
    });
  });

  describe('never logged', () => {
    it('the Authorization header, AUTH_TOKEN and CURSOR_SECRET, nor params, outputs and event payloads', async () => {
      await send(server, 'POST', '/workflows/logs-complete/instances', { id: 'quiet-1', params: { secret: PII } });
      await eventually(async () => (await send(server, 'GET', '/workflows/logs-complete/instances/quiet-1')).body.details, (d) => (d as { status: string }).status === 'complete');
      // The output (the params echoed) was in the answer just read; a history read carries them too.
      expect(JSON.stringify((await send(server, 'GET', '/workflows/logs-complete/instances/quiet-1')).body)).toContain(PII);
      await send(server, 'GET', '/workflows/logs-complete/instances/quiet-1/history');
      await lineLike(server, { msg: 'GET /api/workflows/workflows/logs-complete/instances/quiet-1/history 200' });
      const output = server.output();
      expect(output).not.toContain(TOKEN);
      expect(output).not.toContain(CURSOR_SECRET);
      expect(output).not.toMatch(/bearer/i);
      expect(output).not.toContain('wrong-token-123');
      expect(output).not.toContain(PII);
      expect(output).not.toContain('authorization');
    });

    it('every line is one JSON object', () => {
      const text = server.output().trim().split('\n');
      expect(lines(server)).toHaveLength(text.length);
    });
  });
});

describe('server logs with LOG_PAYLOADS=true', () => {
  let running: { server: ServerProcess; database: TestDatabase };

  beforeAll(async () => {
    running = await startLoggingServer({ LOG_PAYLOADS: 'true' });
  });
  afterAll(() => stopServer(running));

  it('request and response bodies (params, outputs) and event payloads are logged; credentials still are not', async () => {
    const { server } = running;
    await send(server, 'POST', '/workflows/logs-complete/instances', { id: 'loud-1', params: { secret: PII } }, { 'x-request-id': 'loud-create' });
    expect(await lineLike(server, { reqId: 'loud-create', context: 'HttpRequest' })).toMatchObject({
      requestBody: { id: 'loud-1', params: { secret: PII } },
      res: { statusCode: 201 },
      responseBody: { id: 'loud-1' },
    });
    await eventually(async () => (await send(server, 'GET', '/workflows/logs-complete/instances/loud-1')).body.details, (d) => (d as { status: string }).status === 'complete');
    await send(server, 'GET', '/workflows/logs-complete/instances/loud-1', undefined, { 'x-request-id': 'loud-get' });
    expect(await lineLike(server, { reqId: 'loud-get', context: 'HttpRequest' })).toMatchObject({
      responseBody: { details: { status: 'complete', output: { echoed: { secret: PII } } } },
    });
    await send(server, 'POST', '/workflows/logs-wait/instances', { id: 'loud-2' });
    await send(server, 'POST', '/workflows/logs-wait/instances/loud-2/events', { type: 'decision', payload: { approvedBy: PII } });
    expect(await lineLike(server, { audit: true, action: 'event', instanceId: 'loud-2' })).toMatchObject({ payload: { approvedBy: PII } });
    expect(server.output()).not.toContain(TOKEN);
    expect(server.output()).not.toContain(CURSOR_SECRET);
  });
});

describe('server logs on shutdown', () => {
  it('a run whose step outlives the grace period is released, and says so', async () => {
    const database = await createTestDatabase('sqlite');
    const server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'info', LOG_FORMAT: 'json', RUNNER_SHUTDOWN_GRACE_MS: '100' });
    try {
      const headers = { 'content-type': 'application/json' };
      await fetch(`${server.baseUrl}/workflows/slow/instances`, { method: 'POST', headers, body: JSON.stringify({ id: 'slow-1', params: { workMs: 5_000 } }) });
      await lineLike(server, { workflowName: 'slow', instanceId: 'slow-1', msg: 'Run started: slow/slow-1 run 0' });
      server.process.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(lines(server).find((line) => line.outcome === 'released')).toMatchObject({
        level: 'info',
        workflowName: 'slow',
        instanceId: 'slow-1',
        runNumber: 0,
        msg: 'Run released on shutdown: slow/slow-1 run 0 (due again at once, for another process)',
      });
    } finally {
      server.process.kill('SIGKILL');
      await database.drop();
    }
  });
});
