import { DatabaseClock } from '../../src/core/database-clock';
import { createTestStore, TEST_DATABASES } from '../support/databases';

describe.each(TEST_DATABASES)('database clock on %s', (kind) => {
  it('follows the database server clock, not the local one', async () => {
    const { store, dispose } = await createTestStore(kind);
    const clock = new DatabaseClock(store);
    const skewed = jest.spyOn(Date, 'now');
    try {
      // Pretend the local clock runs an hour fast; the database's clock does not.
      const realNow = skewed.getMockImplementation() ?? (() => new Date().getTime());
      skewed.mockImplementation(() => realNow() + 3_600_000);
      await clock.sync();
      const databaseNow = await store.databaseNow();
      expect(Math.abs(clock.now() - databaseNow)).toBeLessThan(1_000);
      expect(Math.abs(Date.now() - databaseNow - 3_600_000)).toBeLessThan(1_000);
    } finally {
      skewed.mockRestore();
      clock.stop();
      await dispose();
    }
  });
});
