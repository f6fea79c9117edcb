import { TEST_DATABASES } from '../support/databases';
import { createTestApp } from '../support/test-app';

const listeners = () => [process.listenerCount('unhandledRejection'), process.listenerCount('uncaughtException')];

// Nothing here depends on the database: one is enough.
describe(`process-level error handlers (on ${TEST_DATABASES[0]})`, () => {
  it('the module installs none inside a host application unless asked to', async () => {
    const before = listeners();
    const app = await createTestApp(TEST_DATABASES[0], { runner: { enabled: false } });
    try {
      expect(listeners()).toEqual(before);
    } finally {
      await app.close();
    }
  });

  it('with installProcessErrorHandlers it installs one of each, and removes them on shutdown', async () => {
    const before = listeners();
    const app = await createTestApp(TEST_DATABASES[0], { runner: { enabled: false }, installProcessErrorHandlers: true });
    try {
      expect(listeners()).toEqual(before.map((n) => n + 1));
    } finally {
      await app.close();
    }
    expect(listeners()).toEqual(before);
  });
});
