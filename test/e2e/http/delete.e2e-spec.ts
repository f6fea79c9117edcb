/**
 * DELETE /workflows/:workflowName/instances/:instanceId through the real Nest application, and the
 * module's scheduled retention purge with the runner enabled, on both databases.
 */
import { SchedulerRegistry } from '@nestjs/schedule';
import request from 'supertest';
import { defineWorkflow } from '../../../src/engine';
import { eventually } from '../../support/async';
import { TEST_DATABASES } from '../../support/databases';
import { approval, BASE, expectError, quick } from '../../support/http';
import { createTestApp } from '../../support/test-app';

describe.each(TEST_DATABASES)('DELETE instance on %s', (kind) => {
  let app: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    app = await createTestApp(kind, { workflows: [quick, approval], runner: { enabled: false }, enableRunnerTick: true });
  });
  afterAll(() => app?.close());
  const url = (workflow: string, id: string) => `${BASE}/workflows/${workflow}/instances/${id}`;
  const tick = () => request(app.http).post(`${BASE}/_runner/tick`).send({}).expect(200);

  it('200 { ok, id, deleted } for a finished instance; then 404 INSTANCE_NOT_FOUND', async () => {
    await app.client.create('quick', { id: 'done' });
    await tick();
    const res = await request(app.http).delete(url('quick', 'done')).expect(200);
    expect(res.body).toEqual({ ok: true, id: 'done', deleted: true });
    expectError(await request(app.http).get(url('quick', 'done')), 404, 'INSTANCE_NOT_FOUND');
    expectError(await request(app.http).delete(url('quick', 'done')), 404, 'INSTANCE_NOT_FOUND');
  });

  it('409 INSTANCE_NOT_TERMINAL with details.status for a live one; ?force=true terminates and deletes it', async () => {
    await app.client.create('approval', { id: 'live' });
    await tick();
    const refused = expectError(await request(app.http).delete(url('approval', 'live')), 409, 'INSTANCE_NOT_TERMINAL');
    expect(refused.details).toEqual({ status: 'waiting' });
    expectError(await request(app.http).delete(`${url('approval', 'live')}?force=false`), 409, 'INSTANCE_NOT_TERMINAL');
    expect((await app.client.get('approval', 'live')).details.status).toBe('waiting');
    expect((await request(app.http).delete(`${url('approval', 'live')}?force=true`).expect(200)).body).toEqual({ ok: true, id: 'live', deleted: true });
    expectError(await request(app.http).get(url('approval', 'live')), 404, 'INSTANCE_NOT_FOUND');
  });

  it('400 for a bad id, a force that is not true/false, or an unknown query field; 404 for an unknown workflow', async () => {
    expectError(await request(app.http).delete(url('quick', '-bad')), 400, 'INVALID_INSTANCE_ID');
    expectError(await request(app.http).delete(`${url('quick', 'x')}?force=yes`), 400, 'VALIDATION_ERROR');
    expectError(await request(app.http).delete(`${url('quick', 'x')}?purge=1`), 400, 'VALIDATION_ERROR');
    expectError(await request(app.http).delete(url('nope', 'x')), 404, 'WORKFLOW_NOT_FOUND');
  });
});

describe.each(TEST_DATABASES)('scheduled retention on %s', (kind) => {
  const brief = defineWorkflow({ name: 'brief', retention: '300 ms' }, async (_event, step) => step.do('only', async () => 'done'));
  const kept = defineWorkflow({ name: 'kept', retention: 'forever' }, async (_event, step) => step.do('only', async () => 'done'));

  it('with the runner enabled, finished instances go once their period has passed; "forever" stays', async () => {
    const app = await createTestApp(kind, { workflows: [brief, kept, quick], runner: { pollIntervalMs: 50 }, retention: { period: '1 day', intervalMs: 100 } });
    try {
      await app.client.create('kept', { id: 'k' });
      await app.client.create('quick', { id: 'q' });
      await app.client.create('brief', { id: 'b' });
      expect(app.app.get(SchedulerRegistry).getTimeouts()).toContain('workflows-retention');
      await eventually(() => app.client.get('brief', 'b').then((i) => i.details.status === 'complete'), { what: 'b to complete' });
      await eventually(() => app.client.get('brief', 'b').then(() => false, (error: { code?: string }) => error.code === 'INSTANCE_NOT_FOUND'), { what: 'b to be purged' });
      expect((await app.client.get('kept', 'k')).details.status).toBe('complete');
      expect((await app.client.get('quick', 'q')).details.status).toBe('complete');
    } finally {
      await app.close();
    }
  });

  it('with the runner disabled, nothing is purged', async () => {
    const app = await createTestApp(kind, { workflows: [brief], runner: { enabled: false }, enableRunnerTick: true, retention: { intervalMs: 50 } });
    try {
      await app.client.create('brief', { id: 'b' });
      await app.client.tick();
      expect((await app.client.get('brief', 'b')).details.status).toBe('complete');
      // An API-only process never schedules a purge round.
      expect(app.app.get(SchedulerRegistry).getTimeouts()).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
