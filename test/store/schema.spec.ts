import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/persistence/data-source-options';
import { openWorkflowStore } from '../../src/persistence/open-workflow-store';
import { createTestDatabase, TEST_DATABASES } from '../support/databases';

/** Migrates a database the way the service does at start-up, then lets go of it. */
async function migrate(url: string): Promise<void> {
  await (await openWorkflowStore({ url })).close();
}

describe.each(TEST_DATABASES)('schema on %s', (kind) => {
  it('migrations create exactly the schema the entities describe', async () => {
    const database = await createTestDatabase(kind);
    await migrate(database.url);
    const dataSource = new DataSource(dataSourceOptions({ url: database.url }));
    try {
      await dataSource.initialize();
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      const tables = await dataSource.query(
        kind === 'postgres'
          ? "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
          : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
      );
      expect(tables.map((t: { name: string }) => t.name)).toEqual([
        'workflow_event',
        'workflow_instance',
        'workflow_log',
        'workflow_migrations',
        'workflow_setting',
        'workflow_step',
        'workflow_task',
      ]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('running the migrations twice changes nothing', async () => {
    const database = await createTestDatabase(kind);
    try {
      for (let i = 0; i < 2; i++) {
        await migrate(database.url);
        const dataSource = new DataSource(dataSourceOptions({ url: database.url }));
        await dataSource.initialize();
        expect(await dataSource.showMigrations()).toBe(false);
        await dataSource.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});
