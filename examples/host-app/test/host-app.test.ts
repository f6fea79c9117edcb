import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { WorkflowsClient } from 'durable-workflows';
import { createApp } from '../src/create-app';
import { createDatabase } from './database';

/** Polls until `check` passes (the runner picks instances up on its own), up to 10 s. */
async function eventually<T>(check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

describe('a host application with durable-workflows installed from its tarball', () => {
  let app: INestApplication;
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;
  let base: string;

  before(async () => {
    database = await createDatabase(`host_app_${process.pid}`);
    process.env.DATABASE_URL = database.url;
    app = await createApp();
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api/workflows`;
  });

  after(async () => {
    await app?.close();
    await database?.drop();
  });

  test('loads one copy of @nestjs/core: the host’s', () => {
    const fromPackage = require.resolve('@nestjs/core', { paths: [dirname(require.resolve('durable-workflows'))] });
    assert.equal(fromPackage, require.resolve('@nestjs/core'));
  });

  test('runs a workflow with an injected provider over HTTP', async () => {
    const created = await fetch(`${base}/workflows/greeting/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'over-http', params: { name: 'Ada' } }),
    });
    assert.equal(created.status, 201);
    const done = await eventually(async () => {
      const view = (await (await fetch(`${base}/workflows/greeting/instances/over-http`)).json()) as { details: { status: string; output?: unknown } };
      assert.equal(view.details.status, 'complete');
      return view;
    });
    assert.deepEqual(done.details.output, { greeting: 'Hello, Ada!' });
  });

  test('runs a workflow in-process through the injected WorkflowsClient', async () => {
    const client = app.get(WorkflowsClient);
    await client.create('greeting', { id: 'in-process', params: { name: 'Grace' } });
    const done = await eventually(async () => {
      const view = await client.get('greeting', 'in-process');
      assert.equal(view.details.status, 'complete');
      return view;
    });
    assert.deepEqual(done.details.status === 'complete' && done.details.output, { greeting: 'Hello, Grace!' });
  });

  test('answers in the error envelope, with the 1 MiB body limit, on the module’s routes and unknown paths under them', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${base}/workflows/greeting/instances`, { method: 'POST', headers: { 'content-type': type }, body });
    const invalid = await post(JSON.stringify({ params: { name: 42 } }));
    assert.equal(invalid.status, 400);
    assert.equal(((await invalid.json()) as { code: string }).code, 'WORKFLOW_PARAMS_INVALID');
    // Over Nest's own 100 kb default, under the API's limit: accepted.
    const large = await post(JSON.stringify({ id: 'large', params: { name: 'x'.repeat(500_000) } }));
    assert.equal(large.status, 201);
    const tooLarge = await post(JSON.stringify({ params: { name: 'x'.repeat(2_000_000) } }));
    assert.equal(tooLarge.status, 413);
    assert.equal(((await tooLarge.json()) as { code: string }).code, 'PAYLOAD_TOO_LARGE');
    const text = await post('name=Ada', 'text/plain');
    assert.equal(((await text.json()) as { code: string }).code, 'VALIDATION_ERROR');
    const unknown = await fetch(`${base}/nothing-here`);
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { code: string }).code, 'ROUTE_NOT_FOUND');
  });

  test('serves the workflows API’s OpenAPI document at /docs-json', async () => {
    const document = (await (await fetch(`${base.replace('/api/workflows', '')}/docs-json`)).json()) as { paths: Record<string, unknown> };
    assert.ok(document.paths['/api/workflows/workflows/{workflowName}/instances']);
  });
});
