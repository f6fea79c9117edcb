import request from 'supertest';
import { TEST_DATABASES } from '../support/databases';
import { createTestApp } from '../support/test-app';

describe.each(TEST_DATABASES)('disabled runner tick route on %s', (kind) => {
  it('answers RUNNER_TICK_DISABLED before any hook or validation', async () => {
    const authorizeRequest = jest.fn(() => false);
    const authorizeRunnerTick = jest.fn(() => false);
    const app = await createTestApp(kind, { runner: { enabled: false }, authorization: { authorizeRequest, authorizeRunnerTick } });
    try {
      for (const body of [{}, { maxInstances: 'lots' }, { unknown: true }]) {
        const response = await request(app.http).post('/api/workflows/_runner/tick').send(body);
        expect([response.status, response.body.code]).toEqual([403, 'RUNNER_TICK_DISABLED']);
      }
      expect(authorizeRequest).not.toHaveBeenCalled();
      expect(authorizeRunnerTick).not.toHaveBeenCalled();
    } finally {
      await app.close();
    }
  });
});
