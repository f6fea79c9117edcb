/**
 * A process may lack the code of a workflow whose instances are stored (a rolling deploy, an
 * API-only replica built without it, a workflow retired from the code). Its instances stay
 * visible and manageable; only advancing them, creating new ones or sending them events needs the code.
 */
import request from 'supertest';
import { defineWorkflow } from '../../../src/engine';
import { createTestDatabase, TEST_DATABASES, type TestDatabase } from '../../support/databases';
import { BASE, expectError } from '../../support/http';
import { createTestApp } from '../../support/test-app';

const retired = defineWorkflow({ name: 'retired' }, async (_event, step) => {
  await step.do('work', async () => 'done');
  await step.waitForEvent('later', { type: 'never', timeout: '1 hour' });
});
const current = defineWorkflow({ name: 'current' }, async () => 'ok');

describe.each(TEST_DATABASES)('instances of a workflow without code in this process, on %s', (kind) => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof createTestApp>>;
  const http = () => request(app.http);
  const url = (id = '') => `${BASE}/workflows/retired/instances${id ? `/${id}` : ''}`;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // A process that had the code: one instance waiting, one finished.
    const before = await createTestApp(kind, { workflows: [retired, current], database: { url: database.url }, runner: { enabled: false } });
    await before.client.create('retired', { id: 'waiting', params: { n: 1 } });
    await before.client.create('retired', { id: 'finished' });
    await before.client.tick();
    await before.client.terminate('retired', 'finished');
    await before.close();
    // This process has only `current`.
    app = await createTestApp(kind, { workflows: [current], database: { url: database.url }, runner: { enabled: false } });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it('gets, lists and reads the history of its instances from what is stored', async () => {
    const got = await http().get(url('waiting'));
    expect([got.status, got.body.details.status, got.body.meta.params]).toEqual([200, 'waiting', { n: 1 }]);
    const listed = await http().get(url());
    expect([listed.status, listed.body.instances.map((i: { id: string }) => i.id).sort()]).toEqual([200, ['finished', 'waiting']]);
    const history = await http().get(`${url('waiting')}/history`).query({ order: 'asc' });
    expect([history.status, history.body.steps.map((s: { name: string }) => s.name)]).toEqual([200, ['work', 'later']]);
  });

  it('terminates and deletes them', async () => {
    expect((await http().post(`${url('waiting')}/terminate`)).body.details).toEqual({ status: 'terminated' });
    expect((await http().delete(url('finished'))).status).toBe(200);
    expectError(await http().get(url('finished')), 404, 'INSTANCE_NOT_FOUND');
  });

  it('calls an instance missing there not found, for reads and actions alike', async () => {
    expectError(await http().get(url('missing')), 404, 'INSTANCE_NOT_FOUND');
    expectError(await http().post(`${url('missing')}/pause`), 404, 'INSTANCE_NOT_FOUND');
    expectError(await http().post(`${url('missing')}/terminate`), 404, 'INSTANCE_NOT_FOUND');
    expectError(await http().delete(url('missing')), 404, 'INSTANCE_NOT_FOUND');
  });

  it('needs the code to create one or to send it an event', async () => {
    expectError(await http().post(url()).send({ id: 'new' }), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await http().post(`${url('waiting')}/events`).send({ type: 'never' }), 404, 'WORKFLOW_NOT_FOUND');
  });

  it('still calls a name with neither code nor instances unknown', async () => {
    expectError(await http().get(`${BASE}/workflows/nobody/instances`), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await http().get(`${BASE}/workflows/nobody/instances/x`), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await http().post(`${BASE}/workflows/nobody/instances/x/pause`), 404, 'WORKFLOW_NOT_FOUND');
    expectError(await http().delete(`${BASE}/workflows/nobody/instances/x`), 404, 'WORKFLOW_NOT_FOUND');
  });
});
