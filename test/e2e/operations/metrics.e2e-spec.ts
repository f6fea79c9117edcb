/**
 * `GET /metrics` over HTTP: the engine's counters and histograms move as workflows run, retry and
 * fail; the instance and queue gauges follow after their background refresh; the endpoint is
 * outside AUTH_TOKEN, wants `metrics.token` when one is set, uses a registry of its own, and is
 * gone with `metrics: false`. Database errors while PostgreSQL is away: test/faults/health-ready.
 */
import { Registry, register } from 'prom-client';
import request from 'supertest';
import { ENGINE_CLOCK, WORKFLOW_STORE } from '../../../src/core/tokens';
import { defineWorkflow } from '../../../src/engine';
import type { Clock } from '../../../src/engine/ports/clock';
import type { WorkflowStore } from '../../../src/engine/ports/store';
import { deferred, eventually } from '../../support/async';
import { ONE_DATABASE, TEST_DATABASES } from '../../support/databases';
import { expectError, WORKFLOWS } from '../../support/http';
import { parsePrometheusText } from '../../support/prometheus';
import { appsClosedAfterEach, createTestApp, type TestApp } from '../../support/test-app';

const ok = defineWorkflow({ name: 'metered-ok' }, async (_event, step) => step.do('one', () => 1));
const flaky = defineWorkflow({ name: 'metered-flaky' }, async (_event, step) =>
  step.do('flaky', { retries: { limit: 2, delay: 0 } }, ({ attempt }) => {
    if (attempt === 1) throw new Error('first attempt fails');
    return attempt;
  }),
);
const broken = defineWorkflow({ name: 'metered-broken' }, async (_event, step) =>
  step.do('explode', { retries: { limit: 0, delay: 0 } }, () => {
    throw new Error('always');
  }),
);
const waiter = defineWorkflow({ name: 'metered-waiter' }, async (_event, step) => (await step.waitForEvent('go', { type: 'go' })).payload);
let release = deferred();
const held = defineWorkflow({ name: 'metered-held' }, async (_event, step) => step.do('hold', () => release.promise.then(() => 'released')));
const METERED = [ok, flaky, broken, waiter, held];

async function scrape(http: TestApp['http'], headers: Record<string, string> = {}): Promise<Record<string, number>> {
  const response = await request(http).get('/metrics').set(headers);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(response.text);
}

describe.each(TEST_DATABASES)('metrics on %s', (kind) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp(kind, {
      workflows: METERED,
      runner: { enabled: false },
      enableRunnerTick: true,
      metrics: { refreshIntervalMs: 100 },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts steps started, completed, retried and failed by workflow, with attempt durations by outcome', async () => {
    const { client } = app;
    for (const workflow of ['metered-ok', 'metered-flaky', 'metered-broken']) await client.create(workflow, { id: `${workflow}-1` });
    // The flaky step's retry is due at once: the second tick runs it.
    await client.tick({ maxInstances: 100 });
    await client.tick({ maxInstances: 100 });
    expect((await client.get('metered-flaky', 'metered-flaky-1')).details.status).toBe('complete');
    expect((await client.get('metered-broken', 'metered-broken-1')).details.status).toBe('errored');

    const m = await scrape(app.http);
    const counts = (workflow: string) =>
      ['started', 'completed', 'retried', 'failed'].map((what) => m[`workflows_steps_${what}_total{workflow="${workflow}"}`] ?? 0);
    expect(counts('metered-ok')).toEqual([1, 1, 0, 0]);
    expect(counts('metered-flaky')).toEqual([1, 1, 1, 0]);
    expect(counts('metered-broken')).toEqual([1, 0, 0, 1]);
    expect(m['workflows_step_attempt_duration_seconds_count{workflow="metered-flaky",outcome="retried"}']).toBe(1);
    expect(m['workflows_step_attempt_duration_seconds_count{workflow="metered-flaky",outcome="completed"}']).toBe(1);
    expect(m['workflows_step_attempt_duration_seconds_count{workflow="metered-broken",outcome="failed"}']).toBe(1);
    // The flaky run was claimed twice: suspended for its retry, then complete.
    expect(m['workflows_run_claim_duration_seconds_count{workflow="metered-flaky",outcome="suspended"}']).toBe(1);
    expect(m['workflows_run_claim_duration_seconds_count{workflow="metered-flaky",outcome="complete"}']).toBe(1);
    expect(m['workflows_run_claim_duration_seconds_count{workflow="metered-broken",outcome="errored"}']).toBe(1);
    expect(m['workflows_tick_duration_seconds_count']).toBe(2);
    expect(m['workflows_claim_round_duration_seconds_count']).toBe(2);
  });

  it('measures the time from an event to the wait it resumes', async () => {
    await app.client.create('metered-waiter', { id: 'waiter-1' });
    await app.client.tick();
    await app.client.sendEvent('metered-waiter', 'waiter-1', { type: 'go', payload: 1 });
    await app.client.tick();
    expect((await app.client.get('metered-waiter', 'waiter-1')).details.status).toBe('complete');
    const m = await scrape(app.http);
    expect(m['workflows_event_delivery_latency_seconds_count{workflow="metered-waiter"}']).toBe(1);
    expect(m['workflows_event_delivery_latency_seconds_sum{workflow="metered-waiter"}']).toBeGreaterThanOrEqual(0);
  });

  it('counts lease renewals of a long step', async () => {
    // A lease short enough to be renewed within the test: every third of it while the step runs.
    const shortLease = await createTestApp(kind, { workflows: METERED, runner: { enabled: false, leaseMs: 900 } });
    try {
      release = deferred();
      await shortLease.client.create('metered-held', { id: 'held-1' });
      const ticked = shortLease.client.tick();
      await eventually(async () => (await scrape(shortLease.http))['workflows_lease_renewals_total{workflow="metered-held"}'] >= 2, {
        what: 'two lease renewals',
      });
      release.resolve();
      await ticked;
    } finally {
      await shortLease.close();
    }
  });

  it('counts a takeover of a run whose holder let its lease expire', async () => {
    // A process that claimed a run and died: its lease expires and this one takes the run over.
    await app.client.create('metered-ok', { id: 'orphan' });
    const store = app.app.get<WorkflowStore>(WORKFLOW_STORE);
    const clock = app.app.get<Clock>(ENGINE_CLOCK);
    const [orphan] = await store.claimDue({
      now: clock.now(),
      limit: 1,
      owner: 'a-process-that-died',
      leaseMs: 1,
      workflowNames: ['metered-ok'],
      newToken: () => 'dead-token',
      statuses: { running: 'running', pausing: 'waitingForPause' },
    });
    expect(orphan.instance.instanceId).toBe('orphan');
    await eventually(async () => (await app.client.tick()).processed === 1, { what: 'the orphan to be taken over' });
    expect((await app.client.get('metered-ok', 'orphan')).details.status).toBe('complete');
    expect((await scrape(app.http))['workflows_lease_takeovers_total{workflow="metered-ok"}']).toBe(1);
  });

  it('reads instances by workflow and status and the due queue in the background, 0 for what has none', async () => {
    await app.client.create('metered-ok', { id: 'left-queued' });
    const m = await eventually(
      () => scrape(app.http),
      (samples) => samples['workflows_instances{workflow="metered-ok",status="queued"}'] === 1,
      { what: 'the instances gauge to show the queued instance' },
    );
    expect(m['workflows_instances{workflow="metered-ok",status="complete"}']).toBe(2);
    expect(m['workflows_instances{workflow="metered-flaky",status="complete"}']).toBe(1);
    expect(m['workflows_instances{workflow="metered-broken",status="errored"}']).toBe(1);
    expect(m['workflows_instances{workflow="metered-broken",status="running"}']).toBe(0);
    expect(m['workflows_queue_due_runs{workflow="metered-ok"}']).toBe(1);
    expect(m['workflows_queue_due_runs{workflow="metered-flaky"}']).toBe(0);
    expect(m['workflows_queue_oldest_due_age_seconds{workflow="metered-ok"}']).toBeGreaterThanOrEqual(0);
    expect(m['workflows_state_refreshed_timestamp_seconds']).toBeGreaterThan(Date.now() / 1000 - 60);
  });

  it('keeps its metrics off the global prom-client registry', async () => {
    const names = (await register.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.filter((name) => name.startsWith('workflows_'))).toEqual([]);
  });
});

describe.each(ONE_DATABASE)('metrics endpoint options on %s', (kind) => {
  const app = appsClosedAfterEach();

  it('wants metrics.token when one is set, not AUTH_TOKEN', async () => {
    const { http } = await app(kind, { workflows: WORKFLOWS, metrics: { token: 'scrape-me' } }, { authToken: 'api-token' });
    const refused = await request(http).get('/metrics');
    expectError(refused, 401, 'UNAUTHORIZED');
    expect(refused.headers['www-authenticate']).toBe('Bearer');
    expectError(await request(http).get('/metrics').set('Authorization', 'Bearer api-token'), 401, 'UNAUTHORIZED');
    expect(await scrape(http, { Authorization: 'bearer scrape-me' })).toHaveProperty(['workflows_claim_round_duration_seconds_count']);
    expect((await request(http).get('/api/workflows/workflows').set('Authorization', 'Bearer api-token')).status).toBe(200);
  });

  it("registers in the host's registry when it hands one in", async () => {
    const registry = new Registry();
    await app(kind, { workflows: WORKFLOWS, metrics: { registry } });
    expect((await registry.getMetricsAsJSON()).map((metric) => metric.name)).toContain('workflows_instances');
  });

  it('is gone with metrics: false, the health probes staying', async () => {
    const { http } = await app(kind, { workflows: WORKFLOWS, metrics: false });
    expectError(await request(http).get('/metrics'), 404, 'ROUTE_NOT_FOUND');
    expect((await request(http).get('/health/live')).status).toBe(200);
  });
});
