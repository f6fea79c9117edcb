import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { defineWorkflow } from '../../src/engine';
import { TEST_DATABASES } from '../support/databases';
import { createTestApp } from '../support/test-app';

const BASE = '/api/workflows';
const TOKEN = 'a-static-token';
const echo = defineWorkflow({ name: 'echo' }, async (event) => event.payload);

/** Sends raw bytes and resolves with everything the server answered before closing. */
function rawExchange(port: number, send: string, keepOpenMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    socket.write(send);
    if (keepOpenMs) setTimeout(() => socket.end(), keepOpenMs).unref();
  });
}

function bodyOf(rawResponse: string): unknown {
  return JSON.parse(rawResponse.slice(rawResponse.indexOf('\r\n\r\n') + 4));
}

// Nothing here depends on the database: one is enough.
describe(`HTTP edges (on ${TEST_DATABASES[0]})`, () => {
  describe('AUTH_TOKEN', () => {
    let app: Awaited<ReturnType<typeof createTestApp>>;
    beforeAll(async () => {
      app = await createTestApp(TEST_DATABASES[0], { workflows: [echo], runner: { enabled: false } }, { authToken: TOKEN });
    });
    afterAll(() => app.close());

    it('accepts the Bearer scheme in any case', async () => {
      for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
        const res = await request(app.http).get(`${BASE}/workflows`).set('Authorization', `${scheme} ${TOKEN}`);
        expect({ scheme, status: res.status }).toEqual({ scheme, status: 200 });
      }
    });

    it('refuses a missing, wrong or malformed token with 401 in the envelope', async () => {
      for (const header of [undefined, `Bearer wrong`, TOKEN, `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`, 'Bearer ']) {
        const req = request(app.http).get(`${BASE}/workflows`);
        const res = await (header === undefined ? req : req.set('Authorization', header));
        expect({ header, status: res.status, code: res.body.code }).toEqual({ header, status: 401, code: 'UNAUTHORIZED' });
        expect(res.headers['www-authenticate']).toBe('Bearer');
      }
    });

    it('answers an unauthenticated caller 401 before reading its body: no 400 for bad JSON, no 413 for a huge one', async () => {
      const bad = await request(app.http).post(`${BASE}/workflows/echo/instances`).set('Content-Type', 'application/json').send('{"broken":');
      expect([bad.status, bad.body.code]).toEqual([401, 'UNAUTHORIZED']);
      const huge = await request(app.http).post(`${BASE}/workflows/echo/instances`).send({ params: 'x'.repeat(2 * 1024 * 1024) });
      expect([huge.status, huge.body.code]).toEqual([401, 'UNAUTHORIZED']);
      const unknown = await request(app.http).get(`${BASE}/no-such-route`);
      expect([unknown.status, unknown.body.code]).toEqual([401, 'UNAUTHORIZED']);
    });

    it('protects Swagger UI and the OpenAPI documents too', async () => {
      for (const path of ['/docs', '/docs/', '/docs-json', '/docs-yaml']) {
        const denied = await request(app.http).get(path);
        expect({ path, status: denied.status }).toEqual({ path, status: 401 });
        const allowed = await request(app.http).get(path).set('Authorization', `Bearer ${TOKEN}`);
        expect({ path, status: allowed.status }).toEqual({ path, status: 200 });
      }
    });
  });

  it('DOCS_PUBLIC serves the Swagger paths without the token, and only those', async () => {
    const app = await createTestApp(TEST_DATABASES[0], { workflows: [echo], runner: { enabled: false } }, { authToken: TOKEN, docsPublic: true });
    try {
      expect((await request(app.http).get('/docs-json')).status).toBe(200);
      expect((await request(app.http).get('/docs/')).status).toBe(200);
      expect((await request(app.http).get(`${BASE}/workflows`)).status).toBe(401);
      expect((await request(app.http).get('/docsx')).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  describe('requests Node refuses before routing', () => {
    let app: Awaited<ReturnType<typeof createTestApp>>;
    let port: number;
    beforeAll(async () => {
      app = await createTestApp(TEST_DATABASES[0], { workflows: [echo], runner: { enabled: false } }, { timeouts: { headersTimeoutMs: 300, requestTimeoutMs: 600 } });
      await app.app.listen(0, '127.0.0.1');
      port = (app.app.getHttpServer().address() as AddressInfo).port;
    });
    afterAll(() => app.close());

    it('a URL over the header limit gets 431 in the envelope', async () => {
      const answer = await rawExchange(port, `GET ${BASE}/workflows?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
      expect(answer.startsWith('HTTP/1.1 431 ')).toBe(true);
      expect(bodyOf(answer)).toEqual({ message: expect.any(String), code: 'REQUEST_HEADERS_TOO_LARGE' });
    });

    it('bytes that are not HTTP get 400 in the envelope', async () => {
      const answer = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n');
      expect(answer.startsWith('HTTP/1.1 400 ')).toBe(true);
      expect(bodyOf(answer)).toEqual({ message: 'Malformed HTTP request', code: 'VALIDATION_ERROR' });
    });

    it('a body that never ends is given up on after the request timeout, with 408 in the envelope', async () => {
      const startedAt = Date.now();
      const answer = await rawExchange(
        port,
        `POST ${BASE}/workflows/echo/instances HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"par`,
        20_000,
      );
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect(answer.startsWith('HTTP/1.1 408 ')).toBe(true);
      expect(bodyOf(answer)).toEqual({ message: expect.any(String), code: 'REQUEST_TIMEOUT' });
    });
  });
});
