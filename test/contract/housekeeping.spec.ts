import { createTestStore, TEST_DATABASES } from '../support/databases';

describe.each(TEST_DATABASES)('store housekeeping on %s', (kind) => {
  it('keeps the queue table analyzed where autovacuum does not (PostgreSQL), and is harmless elsewhere', async () => {
    const { store, dispose } = await createTestStore(kind);
    try {
      await store.housekeeping();
      if (kind === 'sqlite') return;
      const [{ autovacuum }] = await store.connection.statement().rows(`SELECT current_setting('autovacuum') AS autovacuum`);
      // The statistics collector may take a moment to show the ANALYZE.
      let analyzed = false;
      for (let i = 0; i < 50 && !analyzed; i++) {
        const [row] = await store.connection.statement().rows<{ analyzed: boolean }>(`SELECT last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'workflow_task'`);
        analyzed = row.analyzed;
        if (!analyzed) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(analyzed).toBe(autovacuum === 'off');
    } finally {
      await dispose();
    }
  });
});
