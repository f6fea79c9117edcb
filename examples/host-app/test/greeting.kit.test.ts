import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestEngine, type TestEngine } from 'durable-workflows/testing';
import { GreetingService } from '../src/greeting.service';
import { GreetingWorkflow } from '../src/greeting.workflow';
import { createDatabase } from './database';

// This host runs on PostgreSQL only (its install leaves out the SQLite driver), so the kit gets a database of its own there.

describe('the greeting workflow, with the testing kit', () => {
  let t: TestEngine;
  let database: Awaited<ReturnType<typeof createDatabase>> | undefined;

  before(async () => {
    database = await createDatabase(`host_app_kit_${process.pid}`);
    t = await createTestEngine({ workflows: [new GreetingWorkflow(new GreetingService())], database: database.url });
  });

  after(async () => {
    await t?.close();
    await database?.drop();
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

  test('without the SQLite driver, the default in-memory database names the command that installs it', async () => {
    await assert.rejects(createTestEngine({ workflows: [new GreetingWorkflow(new GreetingService())] }), {
      message: 'The SQLite driver is not installed: run `npm install better-sqlite3`',
    });
  });
});
