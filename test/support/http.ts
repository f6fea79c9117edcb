/**
 * What the HTTP API suites (test/e2e/http/) share: their workflows, the error-envelope checks,
 * and the main app (tick enabled, no hooks) with short requests against it. Nothing runs in the
 * background: every test drives execution itself with `POST /_runner/tick`.
 */
import request from 'supertest';
import { defineWorkflow, NonRetryableError } from '../../src/engine';
import type { DatabaseKind } from './databases';
import { createTestApp } from './test-app';

// ---- workflows ---------------------------------------------------------------------------------

// ---- workflows ---------------------------------------------------------------------------------

/** Completes in one tick with its params' `n` doubled. */
export const quick = defineWorkflow({ name: 'quick', description: 'Doubles params.n' }, async (event, step) => {
  const n = await step.do('double', () => ((event.payload as { n?: number } | undefined)?.n ?? 0) * 2);
  return { doubled: n };
});

/** Rejects params without a numeric `n`. */
export const typed = defineWorkflow(
  { name: 'typed', params: (params) => (typeof (params as { n?: unknown } | null)?.n === 'number' ? true : 'n must be a number') },
  async (event) => event.payload,
);

/** One step, then waits for a `decision` event. */
export const approval = defineWorkflow({ name: 'approval' }, async (_event, step) => {
  const submitted = await step.do('submit', () => ({ submitted: true }));
  const decision = await step.waitForEvent<{ approved: boolean }>('decision', { type: 'decision' });
  return { ...submitted, approved: decision.payload.approved };
});

/** Logs at every level, three steps and a wait: history material. */
export const chronicle = defineWorkflow({ name: 'chronicle' }, async (_event, step) => {
  step.log.debug('debug line');
  step.log.info('info line');
  step.log.warn('warn line', { x: 1 });
  step.log.error('error line', null, { category: 'audit' });
  await step.do('s1', () => {
    step.log.info('inside s1');
    return 1;
  });
  await step.do('s2', () => 2);
  await step.do('s3', () => 3);
  const go = await step.waitForEvent('go', { type: 'go' });
  return go.payload;
});

/** Three steps: for the tick's step budget. */
export const three = defineWorkflow({ name: 'three' }, async (_event, step) => {
  for (const i of [1, 2, 3]) await step.do(`s${i}`, () => i);
  return 'done';
});

/** Fails with a non-retryable error inside its only step. */
export const failing = defineWorkflow({ name: 'failing' }, async (_event, step) => {
  await step.do('explode', () => {
    throw new NonRetryableError('bad input');
  });
  return 'unreachable';
});

function closedGate() {
  let started!: () => void;
  let open!: () => void;
  const startedP = new Promise<void>((resolve) => (started = resolve));
  const openP = new Promise<void>((resolve) => (open = resolve));
  return { started, startedP, open, openP };
}
let gate = closedGate();

/** A closed gate for the `gated` workflow: from now on its first step waits at this one. */
export function newGate(): ReturnType<typeof closedGate> {
  gate = closedGate();
  return gate;
}

/** Its first step blocks until the test opens the gate, so the instance is `running` meanwhile. */
export const gated = defineWorkflow({ name: 'gated' }, async (_event, step) => {
  await step.do('hold', async () => {
    gate.started();
    await gate.openP;
    return 'held';
  });
  await step.do('after', () => 'after');
  return 'finished';
});

/** Instances of this one are only listed, never run. */
export const pager = defineWorkflow({ name: 'pager' }, async () => 'ok');

export const WORKFLOWS = [quick, typed, approval, chronicle, three, pager, failing, gated];

// ---- the error envelope -------------------------------------------------------------------------

export const BASE = '/api/workflows';
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const isoString = expect.stringMatching(ISO);

/** Asserts the API's error envelope: status, code, `{message, code, details?}`, no stack. */
export function expectError(res: request.Response, status: number, code: string, message?: string | RegExp): Record<string, unknown> {
  const summary = `${res.status} ${JSON.stringify(res.body)}`;
  expect({ status: res.status, code: res.body?.code, summary }).toEqual({ status, code, summary });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body).sort()).toEqual(expect.arrayContaining(['code', 'message']));
  for (const key of Object.keys(res.body)) expect(['message', 'code', 'details']).toContain(key);
  expect(typeof res.body.message).toBe('string');
  if (res.body.details !== undefined) expect(typeof res.body.details).toBe('object');
  expect(res.text).not.toMatch(/\n\s+at |stack|<html|<!DOCTYPE/i);
  if (message instanceof RegExp) expect(res.body.message).toMatch(message);
  else if (message !== undefined) expect(res.body.message).toBe(message);
  return res.body;
}

export function expectIssues(body: Record<string, unknown>): string[] {
  const issues = (body.details as { issues?: unknown } | undefined)?.issues;
  expect(Array.isArray(issues)).toBe(true);
  expect((issues as unknown[]).length).toBeGreaterThan(0);
  for (const issue of issues as unknown[]) expect(typeof issue).toBe('string');
  return issues as string[];
}

// ---- the main app ------------------------------------------------------------------------------

export interface MainApp {
  http: ReturnType<typeof request>;
  server: Parameters<typeof request>[0];
  client: Awaited<ReturnType<typeof createTestApp>>['client'];
}

/**
 * The main app on `kind` (every workflow above, the runner off, the tick route on), created before
 * the tests of the describe it is called in and closed after them; `onReady` receives it.
 */
export function mainApp(kind: DatabaseKind, onReady: (app: MainApp) => void) {
  let server: Parameters<typeof request>[0];
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = await createTestApp(kind, { workflows: WORKFLOWS, runner: { enabled: false }, enableRunnerTick: true });
    server = app.http;
    close = app.close;
    onReady({ http: request(server), server, client: app.client });
  });
  afterAll(async () => {
    await close?.();
  });

  const tick = async (body: object = {}) => {
    const res = await request(server).post(`${BASE}/_runner/tick`).send(body);
    expect(res.status).toBe(200);
    return res.body as { processed: number; nextWakeAt?: string };
  };
  /** Ticks until nothing is due now. */
  const drain = async () => {
    for (let i = 0; i < 20; i++) if ((await tick({ maxInstances: 1000 })).processed === 0) return;
    throw new Error('queue did not drain');
  };
  const get = (workflow: string, id: string) => request(server).get(`${BASE}/workflows/${workflow}/instances/${id}`);
  const create = (workflow: string, body: object) => request(server).post(`${BASE}/workflows/${workflow}/instances`).send(body);
  const history = (workflow: string, id: string, query: Record<string, string | number | boolean> = {}) =>
    request(server).get(`${BASE}/workflows/${workflow}/instances/${id}/history`).query(query);

  return { tick, drain, get, create, history };
}

/**
 * The instances the error suites read: `quick/err-done` finished, `approval/err-live` still
 * waiting. Call in a beforeAll, with the main app's client.
 */
export async function seedErrorInstances(client: MainApp['client']): Promise<void> {
  await client.create('quick', { id: 'err-done' });
  await client.tick({ maxInstances: 1000 });
  expect((await client.get('quick', 'err-done')).details.status).toBe('complete');
  await client.create('approval', { id: 'err-live' });
}

