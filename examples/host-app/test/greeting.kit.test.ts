import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEngine, type TestEngine } from 'durable-workflows/testing';
import { Client } from 'pg';
import { GreetingService } from '../src/greeting.service';
import { GreetingWorkflow } from '../src/greeting.workflow';

// This host runs on PostgreSQL only (its install leaves out the SQLite driver), so the kit gets a database of its own there.
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE = `host_app_kit_${process.pid}`;

async function admin(statement: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

describe('the greeting workflow, with the testing kit', () => {
  let t: TestEngine;

  before(async () => {
    await admin(`CREATE DATABASE ${DATABASE}`);
    const url = new URL(ADMIN_URL);
    url.pathname = `/${DATABASE}`;
    t = await createTestEngine({ workflows: [new GreetingWorkflow(new GreetingService())], database: url.toString() });
  });

  after(async () => {
    await t?.close();
    await admin(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
  });

  test('greets with the host service, and with a mocked step', async () => {
    await t.create('greeting', { id: 'real', params: { name: 'Ada' } });
    await t.runUntilIdle();
    assert.deepEqual((await t.get('greeting', 'real')).details, { status: 'complete', output: { greeting: 'Hello, Ada!' } });

    t.mockStep('greeting', 'greet', async () => 'Hi from a mock');
    await t.create('greeting', { id: 'mocked', params: { name: 'Grace' } });
    await t.runUntilIdle();
    assert.deepEqual((await t.get('greeting', 'mocked')).details, { status: 'complete', output: { greeting: 'Hi from a mock' } });
  });
});
