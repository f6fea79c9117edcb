import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { exampleWorkflows } from '../../src/examples';
import { createTestApp } from '../support/test-app';

const SNAPSHOT = join(__dirname, '..', '..', 'openapi.json');

/**
 * The served OpenAPI document must match the committed openapi.json. After an intended API
 * change, refresh the snapshot with `npm run openapi` and review its diff.
 */
describe('OpenAPI document', () => {
  let fixture: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    fixture = await createTestApp('sqlite', { workflows: exampleWorkflows, runner: { enabled: false } });
  });
  afterAll(() => fixture.close());

  it('served at /docs-json matches the committed openapi.json', async () => {
    const served = (await request(fixture.http).get('/docs-json').expect(200)).body;
    if (process.env.UPDATE_OPENAPI === '1') writeFileSync(SNAPSHOT, `${JSON.stringify(served, null, 2)}\n`);
    expect(existsSync(SNAPSHOT)).toBe(true);
    expect(served).toEqual(JSON.parse(readFileSync(SNAPSHOT, 'utf8')));
  });

  it('documents every route with a summary, its responses and the error envelope', async () => {
    const served = (await request(fixture.http).get('/docs-json').expect(200)).body;
    const operations = Object.entries(served.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
      ([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.map((o) => o.route).sort()).toEqual(
      [
        'GET /api/workflows/workflows',
        'GET /api/workflows/workflows/{workflowName}/instances',
        'POST /api/workflows/workflows/{workflowName}/instances',
        'POST /api/workflows/workflows/{workflowName}/instances/batch',
        'GET /api/workflows/workflows/{workflowName}/instances/{instanceId}',
        'DELETE /api/workflows/workflows/{workflowName}/instances/{instanceId}',
        'GET /api/workflows/workflows/{workflowName}/instances/{instanceId}/history',
        'POST /api/workflows/workflows/{workflowName}/instances/{instanceId}/pause',
        'POST /api/workflows/workflows/{workflowName}/instances/{instanceId}/resume',
        'POST /api/workflows/workflows/{workflowName}/instances/{instanceId}/restart',
        'POST /api/workflows/workflows/{workflowName}/instances/{instanceId}/terminate',
        'POST /api/workflows/workflows/{workflowName}/instances/{instanceId}/events',
        'POST /api/workflows/_runner/tick',
      ].sort(),
    );
    for (const { route, operation } of operations) {
      expect([route, typeof operation.summary]).toEqual([route, 'string']);
      const responses = operation.responses as Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
      const errorRefs = Object.entries(responses)
        .filter(([status]) => Number(status) >= 400)
        .map(([, response]) => response.content?.['application/json']?.schema?.$ref);
      expect(errorRefs.length).toBeGreaterThan(2);
      expect(new Set(errorRefs)).toEqual(new Set(['#/components/schemas/ErrorEnvelopeDto']));
      expect(operation.security).toEqual([{ bearer: [] }]);
    }
    expect(served.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});
