import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { parseServerEnvironment } from '../../src/config/server-config';
import { loadWorkflowModules } from '../../src/config/load-workflow-modules';
import { ONE_DATABASE } from '../support/databases';
import { createTestApp } from '../support/test-app';

/**
 * WORKFLOWS_PATH: compiled modules, written here at test time, whose exports are
 * plain `{ name, run }` definitions that import nothing from this package.
 */

const BASE = '/api/workflows';

/** Fixture modules, relative to the temporary root. */
const FIXTURES: Record<string, string> = {
  // A CommonJS file whose module.exports is the definition itself.
  'good/approval.js': `'use strict';
module.exports = {
  name: 'path-approval',
  description: 'Doubles the amount, then waits for a decision',
  async run(event, step) {
    const doubled = await step.do('double', async () => event.payload.amount * 2);
    const decision = await step.waitForEvent('wait for decision', { type: 'decision', timeout: '1 hour' });
    return { doubled, approved: decision.payload.approved, by: decision.payload.by, instanceId: event.instanceId };
  },
};
`,
  // A folder: a .js module, a .cjs module in a subfolder, and a text file that must not be loaded.
  'good/folder/first.js': `'use strict';
exports.first = {
  name: 'folder-first',
  run: async (event, step) => step.do('one', async () => 'first:' + event.workflowName),
};
`,
  'good/folder/nested/second.cjs': `'use strict';
// Its own NonRetryableError: the engine recognises errors by name, not by class identity.
class NonRetryableError extends Error {
  constructor(message) {
    super(message);
    this.name = 'NonRetryableError';
  }
}
module.exports.second = {
  name: 'folder-second',
  async run(event, step) {
    return step.do('refuse', async ({ attempt }) => {
      throw new NonRetryableError('refused on attempt ' + attempt);
    });
  },
};
`,
  'good/folder/readme.txt': `throw new Error('a .txt file must never be loaded');\n`,
  // An ES module with a named export (and an export that is no workflow).
  'good/esm/flow.mjs': `export const wf = {
  name: 'esm-flow',
  async run(event, step) {
    const first = await step.do('esm step', async () => ({ from: 'esm', n: event.payload.n }));
    const event2 = await step.waitForEvent('esm wait', { type: 'esm-go' });
    return { ...first, got: event2.payload };
  },
};
export const notAWorkflow = { answer: 42 };
`,
  // Modules that must stop start-up.
  'bad/throws.js': `throw new Error('boom while loading');\n`,
  'bad/syntax.js': `module.exports = { name: 'broken', run( {\n`,
  'bad/run-not-a-function.js': `module.exports = { name: 'half-written', run: 'todo' };\n`,
  'bad/class-without-decorator.js': `const { WorkflowEntrypoint } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'src', 'engine'))});
module.exports.Forgotten = class Forgotten extends WorkflowEntrypoint { async run() { return 1; } };
`,
  // A workflow beside a helper module it uses: the helper is skipped with a warning.
  'mixed/flow.js': `const { double } = require('./helpers');
module.exports.flow = { name: 'mixed-flow', run: async (event, step) => step.do('double', async () => double(2)) };
`,
  'mixed/helpers.js': `module.exports = { double: (n) => n * 2, name: 'helpers', version: 3 };\n`,
  // A folder of TypeScript sources that nobody compiled.
  'uncompiled/flow.ts': `export const flow = { name: 'ts-flow', run: async () => 1 };\n`,
  // Two modules with the same workflow name.
  'dup/one.js': `module.exports = { name: 'dup-flow', run: async () => 1 };\n`,
  'dup/two.cjs': `exports.again = { name: 'dup-flow', run: async () => 2 };\n`,
};

let root: string;
const at = (relative: string) => join(root, relative);

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'wf-path-'));
  for (const [relative, text] of Object.entries(FIXTURES)) {
    mkdirSync(dirname(at(relative)), { recursive: true });
    writeFileSync(at(relative), text);
  }
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

const names = (workflows: unknown[]) => workflows.map((w) => (w as { name: string }).name).sort();

/** The rejection message of `promise`; fails the test when it resolves or rejects with a non-Error. */
async function rejectionOf(promise: Promise<unknown>): Promise<string> {
  let thrown: unknown;
  try {
    await promise;
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(Error);
  return (thrown as Error).message;
}

describe('loadWorkflowModules', () => {
  it('a CommonJS file exporting a plain { name, run } object', async () => {
    const loaded = await loadWorkflowModules([at('good/approval.js')]);
    expect(names(loaded)).toEqual(['path-approval']);
    const [definition] = loaded as { name: string; description?: string; run: unknown }[];
    expect(typeof definition.run).toBe('function');
    expect(definition.description).toBe('Doubles the amount, then waits for a decision');
  });

  it('a folder: .js and .cjs modules, also in subfolders; other files are skipped', async () => {
    expect(names(await loadWorkflowModules([at('good/folder')]))).toEqual(['folder-first', 'folder-second']);
  });

  it('a .cjs file on its own', async () => {
    expect(names(await loadWorkflowModules([at('good/folder/nested/second.cjs')]))).toEqual(['folder-second']);
  });

  it('an ES module (.mjs) with a named export; exports that are no workflow are ignored', async () => {
    expect(names(await loadWorkflowModules([at('good/esm/flow.mjs')]))).toEqual(['esm-flow']);
  });

  it('a folder of folders loads every module once', async () => {
    expect(names(await loadWorkflowModules([at('good')]))).toEqual(['esm-flow', 'folder-first', 'folder-second', 'path-approval']);
  });

  it('the comma-separated WORKFLOWS_PATH: files and folders together', async () => {
    const config = parseServerEnvironment({ WORKFLOWS_PATH: `${at('good/approval.js')}, ${at('good/folder')} ,${at('good/esm/flow.mjs')}` });
    expect(config.workflowsPaths).toEqual([at('good/approval.js'), at('good/folder'), at('good/esm/flow.mjs')]);
    expect(names(await loadWorkflowModules(config.workflowsPaths))).toEqual(['esm-flow', 'folder-first', 'folder-second', 'path-approval']);
  });

  it('no paths: nothing loaded', async () => {
    expect(await loadWorkflowModules([])).toEqual([]);
  });

  test.each([
    ['a module that throws while loading', 'bad/throws.js', 'boom while loading'],
    ['a module with a syntax error', 'bad/syntax.js', undefined],
    ['a module whose workflow has no run function', 'bad/run-not-a-function.js', 'the workflow "half-written" whose run is string, not a function'],
    ['a WorkflowEntrypoint class without @Workflow', 'bad/class-without-decorator.js', 'the class Forgotten, a WorkflowEntrypoint without @Workflow({ name })'],
    ['a path that does not exist', 'bad/does-not-exist.js', undefined],
    ['a folder that does not exist', 'nowhere/at/all', undefined],
  ])('%s rejects with an Error naming the file', async (_label, relative, cause) => {
    const message = await rejectionOf(loadWorkflowModules([at(relative)]));
    expect(message).toContain(at(relative));
    if (cause) expect(message).toContain(cause);
  });

  it('a folder holding a bad module rejects, naming that module', async () => {
    const message = await rejectionOf(loadWorkflowModules([at('bad')]));
    const bad = ['bad/class-without-decorator.js', 'bad/run-not-a-function.js', 'bad/syntax.js', 'bad/throws.js'];
    expect(bad.some((relative) => message.includes(at(relative)))).toBe(true);
  });

  it('a helper module beside workflows is skipped with a warning, and does not stop loading', async () => {
    const warnings: string[] = [];
    expect(names(await loadWorkflowModules([at('mixed')], (message) => warnings.push(message)))).toEqual(['mixed-flow']);
    expect(warnings).toEqual([`WORKFLOWS_PATH: ${at('mixed/helpers.js')} exports no workflow definition ({ name, run }) or @Workflow class; skipped`]);
  });

  it('a folder of uncompiled TypeScript loads nothing and says so', async () => {
    const warnings: string[] = [];
    expect(await loadWorkflowModules([at('uncompiled')], (message) => warnings.push(message))).toEqual([]);
    expect(warnings).toEqual([
      `WORKFLOWS_PATH: ${at('uncompiled')} holds no .js, .cjs or .mjs module (TypeScript workflows must be compiled first)`,
      `WORKFLOWS_PATH: no workflow found in ${at('uncompiled')}`,
    ]);
  });

  it('a good path followed by a missing one rejects, naming the missing one', async () => {
    const message = await rejectionOf(loadWorkflowModules([at('good/approval.js'), at('missing.js')]));
    expect(message).toContain(at('missing.js'));
  });

  it('two modules using the same workflow name make app creation fail, naming the duplicate', async () => {
    const loaded = await loadWorkflowModules([at('dup')]);
    expect(names(loaded)).toEqual(['dup-flow', 'dup-flow']);
    const database = { url: `sqlite:${at('dup.sqlite')}` };
    const message = await rejectionOf(createTestApp('sqlite', { workflows: loaded, database, runner: { enabled: false } }));
    expect(message).toContain('dup-flow');
    expect(message).toMatch(/duplicate/i);
  });
});

describe.each(ONE_DATABASE)('workflows from WORKFLOWS_PATH over HTTP on %s', (kind) => {
  let fixture: Awaited<ReturnType<typeof createTestApp>>;
  let http: Parameters<typeof request>[0];

  beforeAll(async () => {
    fixture = await createTestApp(kind, {
      workflows: await loadWorkflowModules([at('good')]),
      runner: { enabled: false },
      enableRunnerTick: true,
    });
    http = fixture.http;
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const instances = (workflow: string) => `${BASE}/workflows/${workflow}/instances`;
  const tick = async () => (await request(http).post(`${BASE}/_runner/tick`).send({}).expect(200)).body as { processed: number };
  const get = async (workflow: string, id: string) => (await request(http).get(`${instances(workflow)}/${id}`).expect(200)).body;

  it('lists the loaded workflows', async () => {
    const res = await request(http).get(`${BASE}/workflows`).expect(200);
    expect(res.body.workflows).toEqual(
      expect.arrayContaining([
        { name: 'path-approval', description: 'Doubles the amount, then waits for a decision' },
        { name: 'folder-first' },
        { name: 'folder-second' },
        { name: 'esm-flow' },
      ]),
    );
    expect(res.body.workflows).toHaveLength(4);
  });

  it('runs a CommonJS workflow from create through its event to complete', async () => {
    const created = await request(http).post(instances('path-approval')).send({ id: 'req-1', params: { amount: 21 } }).expect(201);
    expect(created.body).toEqual({ id: 'req-1', details: { status: 'queued' } });

    expect((await tick()).processed).toBeGreaterThanOrEqual(1);
    const waiting = await get('path-approval', 'req-1');
    expect(waiting.details).toEqual({ status: 'waiting' });
    expect(waiting.meta.currentStep).toMatchObject({ name: 'wait for decision', type: 'waitForEvent', waitEventType: 'decision' });

    const sent = await request(http)
      .post(`${instances('path-approval')}/req-1/events`)
      .send({ type: 'decision', payload: { approved: true, by: 'grace' } })
      .expect(200);
    expect(sent.body.status).toEqual({ status: 'queued' });
    expect(sent.body.event).toMatchObject({ type: 'decision' });

    expect((await tick()).processed).toBeGreaterThanOrEqual(1);
    const done = await get('path-approval', 'req-1');
    expect(done.details).toEqual({
      status: 'complete',
      output: { doubled: 42, approved: true, by: 'grace', instanceId: 'req-1' },
    });
    expect(done.meta.completedAt).toEqual(expect.any(String));

    const history = (await request(http).get(`${instances('path-approval')}/req-1/history`).query({ order: 'asc' }).expect(200)).body;
    expect(history.steps.map((s: { name: string; type: string; status: string; result: unknown }) => [s.name, s.type, s.status])).toEqual([
      ['double', 'do', 'completed'],
      ['wait for decision', 'waitForEvent', 'completed'],
    ]);
    expect(history.steps[0].result).toBe(42);
    expect(history.events).toHaveLength(1);
    expect(history.events[0]).toMatchObject({ type: 'decision', payload: { approved: true, by: 'grace' }, consumedByStepKey: 'wait for decision' });
  });

  it('runs an ES module workflow through its event to complete', async () => {
    await request(http).post(instances('esm-flow')).send({ id: 'esm-1', params: { n: 5 } }).expect(201);
    await tick();
    expect((await get('esm-flow', 'esm-1')).details).toEqual({ status: 'waiting' });
    await request(http).post(`${instances('esm-flow')}/esm-1/events`).send({ type: 'esm-go', payload: 'yes' }).expect(200);
    await tick();
    expect((await get('esm-flow', 'esm-1')).details).toEqual({ status: 'complete', output: { from: 'esm', n: 5, got: 'yes' } });
  });

  it('runs a module from a subfolder and knows its own NonRetryableError by name', async () => {
    await request(http).post(instances('folder-first')).send({ id: 'first-1' }).expect(201);
    await request(http).post(instances('folder-second')).send({ id: 'second-1' }).expect(201);
    await tick();
    expect((await get('folder-first', 'first-1')).details).toEqual({ status: 'complete', output: 'first:folder-first' });
    const errored = await get('folder-second', 'second-1');
    expect(errored.details).toEqual({ status: 'errored', error: { name: 'NonRetryableError', message: 'refused on attempt 1' } });
    const history = (await request(http).get(`${instances('folder-second')}/second-1/history`).expect(200)).body;
    expect(history.steps).toHaveLength(1);
    expect(history.steps[0]).toMatchObject({ name: 'refuse', status: 'errored', attempts: 1, nextRetryAt: null });
  });
});
