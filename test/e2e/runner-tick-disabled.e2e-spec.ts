import request from 'supertest';
import { ONE_DATABASE } from '../support/databases';
import { createTestApp } from '../support/test-app';

describe.each(ONE_DATABASE)('disabled runner tick route on %s', (kind) => {
  it('runs authorizeRequest first, then answers RUNNER_TICK_DISABLED before its own hook and before validation', async () => {
    const authorizeRequest = jest.fn(() => true);
    const authorizeRunnerTick = jest.fn(() => false);
    const app = await createTestApp(kind, { runner: { enabled: false }, authorization: { authorizeRequest, authorizeRunnerTick } });
    try {
      for (const body of [{}, { maxInstances: 'lots' }, { unknown: true }]) {
        const response = await request(app.http).post('/api/workflows/_runner/tick').send(body);
        expect([response.status, response.body.code]).toEqual([403, 'RUNNER_TICK_DISABLED']);
      }
      expect(authorizeRequest).toHaveBeenCalledTimes(3);
      expect(authorizeRunnerTick).not.toHaveBeenCalled();

      // A caller authorizeRequest turns away learns nothing about the route.
      authorizeRequest.mockReturnValue(false);
      const denied = await request(app.http).post('/api/workflows/_runner/tick').send({});
      expect([denied.status, denied.body.code]).toEqual([403, 'FORBIDDEN']);
    } finally {
      await app.close();
    }
  });
});
