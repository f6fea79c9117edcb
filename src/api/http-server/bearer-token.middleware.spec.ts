import type { Request, Response } from 'express';
import { bearerTokenMiddleware } from './bearer-token.middleware';

/** What the middleware did with a request for `path` without a token: passed it on, or answered 401. */
function outcome(path: string): 'passed' | number {
  const middleware = bearerTokenMiddleware('secret-token', ['/docs'], ['/health/live', '/health/ready', '/metrics']);
  let answered: number | undefined;
  const response = {
    status(code: number) {
      answered = code;
      return this;
    },
    set() {
      return this;
    },
    json() {
      return this;
    },
  } as unknown as Response;
  let passed = false;
  middleware({ path, headers: {} } as Request, response, () => (passed = true));
  return passed ? 'passed' : (answered ?? -1);
}

describe('bearerTokenMiddleware', () => {
  it.each(['/health/live', '/health/ready', '/metrics', '/docs', '/docs/swagger-ui.css'])('serves %s without the token', (path) => {
    expect(outcome(path)).toBe('passed');
  });

  it.each(['/metrics/workflows/w/instances', '/health/api/workflows/w/instances', '/healthz', '/api/workflows/workflows'])(
    'refuses %s without the token (a base path below a probe stays protected)',
    (path) => {
      expect(outcome(path)).toBe(401);
    },
  );
});
