import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/persistence/data-source-options';
import { openWorkflowStore } from '../../src/persistence/open-workflow-store';
import { createTestDatabase, TEST_DATABASES, type DatabaseKind } from '../support/databases';
import { claimRequest, instanceRecord, keyOf, T0, WORKFLOW } from '../support/store-records';

/** A database at the schema before the zero-based run numbers, with two runs of one instance. */
async function seedOneBasedRuns(dataSource: DataSource, kind: DatabaseKind): Promise<void> {
  const at = kind === 'postgres' ? `'2026-11-01T10:00:00.000Z'` : '1793527200000';
  const key = `'renumbered', 'r-1'`;
  await dataSource.query(`INSERT INTO workflow_instance (workflow_name, instance_id, run_number, status, created_at, updated_at) VALUES (${key}, 2, 'running', ${at}, ${at})`);
  await dataSource.query(`INSERT INTO workflow_task (workflow_name, instance_id, run_number, kind, due_at) VALUES (${key}, 2, 0, ${at})`);
  // The same step name in both runs: the key (…, run_number, name) collides if run 2 moves before run 1.
  for (const run of [1, 2]) {
    await dataSource.query(
      `INSERT INTO workflow_step (workflow_name, instance_id, run_number, name, id, seq, type, status, attempts, created_at, updated_at)
       VALUES (${key}, ${run}, 'charge', 'step-${run}', 1, 'do', 'completed', 1, ${at}, ${at})`,
    );
  }
  await dataSource.query(`INSERT INTO workflow_event (workflow_name, instance_id, id, run_number, seq, type, created_at) VALUES (${key}, 'e-1', 2, 1, 'paid', ${at})`);
  const lines: Array<[number, string, string | null, string]> = [
    [1, 'system', null, 'Run 1 started'],
    [1, 'system', null, 'Run 1 errored: Error: first line\nRun 7 started, said the second line'],
    [2, 'system', null, 'Restarted (run 1 was errored)'],
    [2, 'system', null, 'Run 2 started'],
    [2, 'system', null, 'Run 12 completed'],
    // Not the engine's run lines: left as they are.
    [2, 'workflow', null, 'Run 2 started'],
    [2, 'system', 'charge', 'Run 2 started'],
    [2, 'system', null, 'Run two started'],
  ];
  for (const [run, category, step, message] of lines) {
    await dataSource.query(
      `INSERT INTO workflow_log (workflow_name, instance_id, run_number, step_name, level, category, message, is_replay, created_at)
       VALUES (${key}, ${run}, ${step === null ? 'NULL' : `'${step}'`}, 'info', '${category}', '${message.replace(/'/g, "''")}', false, ${at})`,
    );
  }
}

async function runNumbers(dataSource: DataSource) {
  const read = async (table: string, order = 'run_number') =>
    (await dataSource.query(`SELECT run_number FROM ${table} ORDER BY ${order}`)).map((row: { run_number: number | string }) => Number(row.run_number));
  return {
    instance: await read('workflow_instance'),
    task: await read('workflow_task'),
    steps: await read('workflow_step'),
    events: await read('workflow_event'),
    logs: await read('workflow_log', 'id'),
    messages: (await dataSource.query('SELECT message FROM workflow_log ORDER BY id')).map((row: { message: string }) => row.message),
  };
}

/** Undoes the newest migrations until the one whose name starts with `name` is undone too. */
async function undoThrough(dataSource: DataSource, name: string): Promise<void> {
  for (;;) {
    const [newest] = await dataSource.query('SELECT name FROM workflow_migrations ORDER BY id DESC LIMIT 1');
    await dataSource.undoLastMigration({ transaction: 'all' });
    if (String(newest?.name ?? '').startsWith(name) || !newest) return;
  }
}

/** Data sources on `url`: one with the migrations before `name`, one with those up to it, included. */
function aroundMigration(url: string, name: RegExp) {
  const options = dataSourceOptions({ url });
  const migrations = options.migrations as (new () => { name?: string })[];
  const at = migrations.findIndex((migration) => name.test(new migration().name ?? ''));
  expect(at).toBeGreaterThan(0);
  return {
    before: new DataSource({ ...options, migrations: migrations.slice(0, at) } as typeof options),
    after: new DataSource({ ...options, migrations: migrations.slice(0, at + 1) } as typeof options),
  };
}

describe.each(TEST_DATABASES)('the zero-based run numbers migration on %s', (kind) => {
  it('moves every stored run down one, "Run N" system lines included, and back down again', async () => {
    const database = await createTestDatabase(kind);
    const { before, after } = aroundMigration(database.url, /^ZeroBasedRunNumbers/);
    try {
      await before.initialize();
      await before.runMigrations();
      await seedOneBasedRuns(before, kind);
      await before.destroy();

      await after.initialize();
      expect((await after.runMigrations({ transaction: 'all' })).map((m) => m.name)).toEqual([expect.stringMatching(/^ZeroBasedRunNumbers/)]);
      expect(await runNumbers(after)).toEqual({
        instance: [1],
        task: [1],
        steps: [0, 1],
        events: [1],
        logs: [0, 0, 1, 1, 1, 1, 1, 1],
        messages: [
          'Run 0 started',
          'Run 0 errored: Error: first line\nRun 7 started, said the second line',
          'Restarted (run 0 was errored)',
          'Run 1 started',
          'Run 11 completed',
          'Run 2 started',
          'Run 2 started',
          'Run two started',
        ],
      });

      await after.undoLastMigration({ transaction: 'all' });
      const restored = await runNumbers(after);
      expect(restored.steps).toEqual([1, 2]);
      expect(restored.messages.slice(0, 5)).toEqual([
        'Run 1 started',
        'Run 1 errored: Error: first line\nRun 7 started, said the second line',
        'Restarted (run 1 was errored)',
        'Run 2 started',
        'Run 12 completed',
      ]);
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await database.drop();
    }
  });
});

describe.each(TEST_DATABASES)('the instance trace parent migration on %s', (kind) => {
  const TRACE_PARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('adds a nullable trace_parent to instances stored before it, and takes it away again', async () => {
    const database = await createTestDatabase(kind);
    const { before } = aroundMigration(database.url, /^InstanceTraceParent/);
    // Every migration: the store below applies them all, and undoing goes back through the later ones.
    const after = new DataSource(dataSourceOptions({ url: database.url }));
    try {
      await before.initialize();
      await before.runMigrations();
      const at = kind === 'postgres' ? `'2030-01-01T00:00:00.000Z'` : String(T0);
      await before.query(
        `INSERT INTO workflow_instance (workflow_name, instance_id, run_number, status, params, created_at, updated_at) VALUES ('${WORKFLOW}', 'old', 0, 'queued', '{"n":1}', ${at}, ${at})`,
      );
      await before.query(`INSERT INTO workflow_task (workflow_name, instance_id, run_number, kind, due_at) VALUES ('${WORKFLOW}', 'old', 0, 0, ${at})`);
      await before.destroy();

      // Migrated at start-up, as the service does: the old instance reads back, without a trace.
      const store = await openWorkflowStore({ url: database.url });
      try {
        expect(await store.findInstance(keyOf('old'))).toMatchObject({ instanceId: 'old', params: '{"n":1}', traceParent: null });
        expect(await store.createInstances([instanceRecord('new', { runNumber: 0, traceParent: TRACE_PARENT })], T0)).toEqual(['new']);
        const claims = await store.claimDue(claimRequest());
        expect(claims.map((claim) => [claim.instance.instanceId, claim.instance.traceParent])).toEqual([
          ['old', null],
          ['new', TRACE_PARENT],
        ]);
      } finally {
        await store.close();
      }

      await after.initialize();
      await undoThrough(after, 'InstanceTraceParent');
      const columns = kind === 'postgres'
        ? await after.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = 'workflow_instance'`)
        : await after.query(`SELECT name FROM pragma_table_info('workflow_instance')`);
      expect(columns.map((column: { name: string }) => column.name)).not.toContain('trace_parent');
      expect(await after.query(`SELECT instance_id FROM workflow_instance ORDER BY instance_id`)).toEqual([{ instance_id: 'new' }, { instance_id: 'old' }]);
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await database.drop();
    }
  });
});

describe.each(TEST_DATABASES)('the instance-completed index migration on %s', (kind) => {
  const indexNames = async (dataSource: DataSource): Promise<string[]> =>
    (
      await dataSource.query(
        kind === 'postgres'
          ? "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'workflow_instance' ORDER BY 1"
          : "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'workflow_instance' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
      )
    ).map((row: { name: string }) => row.name);

  it('adds the index on a database holding data of the previous version, keeps every row, and drops it again', async () => {
    const database = await createTestDatabase(kind);
    const { before, after } = aroundMigration(database.url, /^InstanceCompletedIndex/);
    const at = (ms: number) => (kind === 'postgres' ? `'${new Date(ms).toISOString()}'` : String(ms));
    try {
      await before.initialize();
      await before.runMigrations();
      for (let i = 0; i < 50; i++) {
        const finished = i % 2 === 0;
        await before.query(
          `INSERT INTO workflow_instance (workflow_name, instance_id, run_number, status, created_at, updated_at, completed_at)
           VALUES ('old', 'i-${i}', 0, '${finished ? 'complete' : 'waiting'}', ${at(1_790_000_000_000 + i)}, ${at(1_790_000_000_000 + i)}, ${finished ? at(1_790_000_001_000 + i) : 'NULL'})`,
        );
      }
      expect(await indexNames(before)).not.toContain('idx_workflow_instance_completed');
      await before.destroy();

      await after.initialize();
      expect((await after.runMigrations({ transaction: 'all' })).map((m) => m.name)).toEqual([expect.stringMatching(/^InstanceCompletedIndex/)]);
      expect(await indexNames(after)).toContain('idx_workflow_instance_completed');
      const [{ n, finished }] = await after.query('SELECT count(*) AS n, count(completed_at) AS finished FROM workflow_instance');
      expect([Number(n), Number(finished)]).toEqual([50, 25]);

      await after.undoLastMigration({ transaction: 'all' });
      expect(await indexNames(after)).not.toContain('idx_workflow_instance_completed');
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await database.drop();
    }
  });
});

describe.each(TEST_DATABASES)('the child workflows migration on %s', (kind) => {
  const columnsOf = async (dataSource: DataSource, table: string): Promise<string[]> =>
    (
      kind === 'postgres'
        ? await dataSource.query(`SELECT column_name AS name FROM information_schema.columns WHERE table_name = '${table}'`)
        : await dataSource.query(`SELECT name FROM pragma_table_info('${table}')`)
    ).map((column: { name: string }) => column.name);

  it('adds the parent, child and awaited columns to a database holding data of the previous version, and takes them away again', async () => {
    const database = await createTestDatabase(kind);
    const { before, after } = aroundMigration(database.url, /^ChildWorkflows/);
    const at = kind === 'postgres' ? `'2030-01-01T00:00:00.000Z'` : String(T0);
    try {
      await before.initialize();
      await before.runMigrations();
      await before.query(`INSERT INTO workflow_instance (workflow_name, instance_id, run_number, status, params, created_at, updated_at) VALUES ('${WORKFLOW}', 'old', 0, 'waiting', '{"n":1}', ${at}, ${at})`);
      await before.query(`INSERT INTO workflow_task (workflow_name, instance_id, run_number, kind, due_at) VALUES ('${WORKFLOW}', 'old', 0, 0, ${at})`);
      await before.query(
        `INSERT INTO workflow_step (workflow_name, instance_id, run_number, name, id, seq, type, status, attempts, wake_at, wait_event_type, created_at, updated_at)
         VALUES ('${WORKFLOW}', 'old', 0, 'wait', 's-1', 1, 'waitForEvent', 'waiting', 0, ${at}, 'go', ${at}, ${at})`,
      );
      await before.destroy();

      await after.initialize();
      expect((await after.runMigrations({ transaction: 'all' })).map((m) => m.name)).toEqual([expect.stringMatching(/^ChildWorkflows/)]);
      await after.destroy();

      // Read back as the service reads it: no parent, no child, not awaited (the end of it wakes nobody).
      const store = await openWorkflowStore({ url: database.url });
      try {
        expect(await store.findInstance(keyOf('old'))).toMatchObject({ params: '{"n":1}', parent: null, parentClosePolicy: null });
        expect(await store.loadSteps(keyOf('old'), 0)).toEqual([expect.objectContaining({ name: 'wait', waitEventType: 'go', childWorkflowName: null, childInstanceId: null })]);
        expect(await store.transaction((tx) => tx.awaitInstances([keyOf('old')]))).toBe(true);
        const parent = { workflowName: 'p', instanceId: 'p-1', runNumber: 0 };
        expect(await store.createInstances([instanceRecord('new', { runNumber: 0, parent, parentClosePolicy: 'abandon' })], T0)).toEqual(['new']);
        expect(await store.findInstance(keyOf('new'))).toMatchObject({ parent, parentClosePolicy: 'abandon' });
        expect(await store.transaction((tx) => tx.listChildren(parent, 'abandon', ['complete']))).toEqual([keyOf('new')]);
      } finally {
        await store.close();
      }

      const undo = new DataSource(dataSourceOptions({ url: database.url }));
      await undo.initialize();
      try {
        await undoThrough(undo, 'ChildWorkflows');
        expect(await columnsOf(undo, 'workflow_instance')).not.toContain('parent_instance_id');
        expect(await columnsOf(undo, 'workflow_step')).not.toContain('child_instance_id');
        expect(await columnsOf(undo, 'workflow_task')).not.toContain('awaited');
        expect(await undo.query(`SELECT instance_id FROM workflow_instance ORDER BY instance_id`)).toEqual([{ instance_id: 'new' }, { instance_id: 'old' }]);
      } finally {
        await undo.destroy();
      }
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await database.drop();
    }
  });
});
