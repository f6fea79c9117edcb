import type { INestApplication } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { setupWorkflowsHttp, WorkflowsClient, WorkflowsModule, type WorkflowsModuleAsyncOptions } from '../../src';
import { approvalWorkflow as approval } from '../../src/examples/approval.workflow';

/** A host application: its own config module, the workflows module from a factory. */
async function hostApp(structure: Omit<WorkflowsModuleAsyncOptions, 'useFactory' | 'inject'>): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ WORKFLOWS_DATABASE: 'sqlite::memory:' })] }),
      WorkflowsModule.forRootAsync({
        workflows: [approval],
        ...structure,
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ database: { url: config.getOrThrow<string>('WORKFLOWS_DATABASE') }, runner: { enabled: false } }),
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication();
  setupWorkflowsHttp(app);
  await app.init();
  return app;
}

describe('WorkflowsModule in a host application', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('takes its database from the factory (ConfigService) and serves every route group by default', async () => {
    app = await hostApp({});
    await request(app.getHttpServer()).post('/api/workflows/workflows/approval/instances').send({ id: 'a', params: { requester: 'ada', amount: 1 } }).expect(201);
    expect((await app.get(WorkflowsClient).get('approval', 'a')).details.status).toBe('queued');
    await request(app.getHttpServer()).post('/api/workflows/_runner/tick').send({}).expect(403);
  });

  it('mounts only the route groups left on', async () => {
    app = await hostApp({ http: { tick: false, events: false } });
    await request(app.getHttpServer()).get('/api/workflows/workflows').expect(200);
    await request(app.getHttpServer()).post('/api/workflows/_runner/tick').send({}).expect(404);
    await request(app.getHttpServer()).post('/api/workflows/workflows/approval/instances/a/events').send({ type: 'approval' }).expect(404);
  });

  it('with http: false serves no route and still runs in-process', async () => {
    app = await hostApp({ http: false, basePath: '/wf' });
    await request(app.getHttpServer()).get('/wf/workflows').expect(404);
    await app.get(WorkflowsClient).create('approval', { id: 'b', params: { requester: 'ada', amount: 1 } });
    expect((await app.get(WorkflowsClient).get('approval', 'b')).details.status).toBe('queued');
  });

  it('reads the API’s bodies with its own limit and answers their errors in the envelope', async () => {
    app = await hostApp({ http: { bodyLimit: '2kb' } });
    const tooLarge = await request(app.getHttpServer())
      .post('/api/workflows/workflows/approval/instances')
      .send({ params: { requester: 'x'.repeat(3000), amount: 1 } })
      .expect(413);
    expect(tooLarge.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const malformed = await request(app.getHttpServer()).post('/api/workflows/workflows/approval/instances').set('content-type', 'application/json').send('{').expect(400);
    expect(malformed.body).toMatchObject({ code: 'VALIDATION_ERROR', message: 'Malformed JSON in the request body' });
  });
});
