import request from 'supertest';
import { Type } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import { defineWorkflow, Workflow, WorkflowEntrypoint } from '../../../src/engine';
import { exampleWorkflows } from '../../../src/examples';
import { ONE_DATABASE } from '../../support/databases';
import { createTestApp } from '../../support/test-app';
import { BASE } from '../../support/http';

class TransferParams {
  @IsString() account!: string;
  @IsInt() @Min(1) cents!: number;
}

@Workflow({ name: 'transfer', params: TransferParams })
class Transfer extends WorkflowEntrypoint<TransferParams> {
  async run() {
    return 'done';
  }
}

class Line {
  @IsString() sku!: string;
  @IsInt() @Min(1) quantity!: number;
}

class ShipmentParams {
  @ValidateNested({ each: true })
  @Type(() => Line)
  lines!: Line[];
}

@Workflow({ name: 'shipment', params: ShipmentParams })
class Shipment extends WorkflowEntrypoint<ShipmentParams> {
  async run() {
    return 'shipped';
  }
}

const described = defineWorkflow(
  { name: 'described', description: 'Has a schema of its own', paramsSchema: { type: 'object', properties: { n: { type: 'integer' } } } },
  async () => 'ok',
);
const checkedByFunction = defineWorkflow({ name: 'checked', params: (p) => (p ? true : 'params are required') }, async () => 'ok');

// Listing workflows reads no database: one is enough.
describe.each(ONE_DATABASE)('GET /workflows on %s', (kind) => {
  it('says what each workflow takes: the JSON Schema given with it, or described by its params class; none for a check function', async () => {
    const app = await createTestApp(kind, { workflows: [Transfer, described, checkedByFunction], runner: { enabled: false } });
    try {
      const res = await request(app.http).get(`${BASE}/workflows`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        workflows: [
          {
            name: 'transfer',
            paramsSchema: {
              type: 'object',
              properties: { account: { type: 'string' }, cents: { type: 'integer', minimum: 1 } },
              required: ['account', 'cents'],
              additionalProperties: false,
            },
          },
          { name: 'described', description: 'Has a schema of its own', paramsSchema: { type: 'object', properties: { n: { type: 'integer' } } } },
          { name: 'checked' },
        ],
      });
    } finally {
      await app.close();
    }
  });

  it('the examples describe their params too', async () => {
    const app = await createTestApp(kind, { workflows: exampleWorkflows, runner: { enabled: false } });
    try {
      const { workflows } = (await request(app.http).get(`${BASE}/workflows`)).body as { workflows: { name: string; paramsSchema?: { required?: string[] } }[] };
      const byName = Object.fromEntries(workflows.map((w) => [w.name, w.paramsSchema?.required]));
      expect(byName).toMatchObject({ approval: ['requester', 'amount'], order: ['orderId', 'items'] });
    } finally {
      await app.close();
    }
  });

  it('a params class with nested classes carries their definitions, so its $refs resolve', async () => {
    const app = await createTestApp(kind, { workflows: [Shipment], runner: { enabled: false } });
    try {
      const [shipment] = (await request(app.http).get(`${BASE}/workflows`)).body.workflows;
      expect(shipment.paramsSchema).toMatchObject({
        properties: { lines: { type: 'array', items: { $ref: '#/definitions/Line' } } },
        definitions: { Line: { properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } } } },
      });
    } finally {
      await app.close();
    }
  });
});
