import { Controller, Get, type INestApplication, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { setupWorkflowsHttp, WorkflowsClient, WorkflowsModule, type WorkflowsModuleAsyncOptions } from '../../src';
import { approvalWorkflow as approval } from '../../src/examples/approval.workflow';

/** Routes of the host's own, in a module set up after the workflows module: one under its base path. */
@Controller('api')
class HostController {
  @Get('hello')
  hello() {
    return { hello: 'host' };
  }

  @Get('workflows/report')
  report() {
    return { report: 'host' };
  }
}

@Module({ controllers: [HostController] })
class HostRoutesModule {}

/** A host application: its own config module and routes, the workflows module from a factory. */
async function hostApp(structure: Omit<WorkflowsModuleAsyncOptions, 'useFactory' | 'inject'>, globalPrefix?: string): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ WORKFLOWS_DATABASE: 'sqlite::memory:' })] }),
      WorkflowsModule.forRootAsync({
        workflows: [approval],
        ...structure,
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({ database: { url: config.getOrThrow<string>('WORKFLOWS_DATABASE') }, runner: { enabled: false } }),
      }),
      HostRoutesModule,
    ],
  }).compile();
  const app = moduleRef.createNestApplication();
  if (globalPrefix) app.setGlobalPrefix(globalPrefix);
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

  it('mounts only the route groups left on; the others are unknown routes, in the envelope', async () => {
    app = await hostApp({ http: { tick: false, events: false } });
    await request(app.getHttpServer()).get('/api/workflows/workflows').expect(200);
    const tick = await request(app.getHttpServer()).post('/api/workflows/_runner/tick').send({}).expect(404);
    expect(tick.body).toEqual({ message: 'No route POST /api/workflows/_runner/tick', code: 'ROUTE_NOT_FOUND' });
    const events = await request(app.getHttpServer()).post('/api/workflows/workflows/approval/instances/a/events').send({ type: 'approval' }).expect(404);
    expect(events.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('answers every unknown path under its base path in the envelope, and leaves the host’s own 404s to the host', async () => {
    app = await hostApp({});
    const http = request(app.getHttpServer());
    for (const [method, path] of [
      ['get', '/api/workflows'],
      ['get', '/api/workflows/'],
      ['get', '/api/workflows/nothing-here'],
      ['get', '/api/workflows/workflows/approval/instances/a/b/c'],
      ['delete', '/api/workflows/workflows'],
    ] as const) {
      const response = await http[method](path).expect(404);
      expect([method, path, response.body]).toEqual([method, path, { message: `No route ${method.toUpperCase()} ${path}`, code: 'ROUTE_NOT_FOUND' }]);
    }
    // The host's own routes answer, also one under the base path; outside it, the host's
    // exception handling (Nest's default here) answers as before.
    expect((await http.get('/api/workflows/report').expect(200)).body).toEqual({ report: 'host' });
    expect((await http.get('/api/hello').expect(200)).body).toEqual({ hello: 'host' });
    const outside = await request(app.getHttpServer()).get('/api/other').expect(404);
    expect(outside.body).toEqual({ message: 'Cannot GET /api/other', error: 'Not Found', statusCode: 404 });
    const prefixOnly = await request(app.getHttpServer()).get('/api/workflowsX').expect(404);
    expect(prefixOnly.body).toMatchObject({ statusCode: 404 });
  });

  it('on a shorter base path, leaves the host’s routes under it to the host; at the root, the host’s 404s too', async () => {
    app = await hostApp({ basePath: '/api' });
    expect((await request(app.getHttpServer()).get('/api/hello').expect(200)).body).toEqual({ hello: 'host' });
    await request(app.getHttpServer()).get('/api/workflows').expect(200);
    expect((await request(app.getHttpServer()).get('/api/nothing').expect(404)).body).toEqual({ message: 'No route GET /api/nothing', code: 'ROUTE_NOT_FOUND' });
    for (const basePath of ['/', '']) {
      await app.close();
      app = await hostApp({ basePath });
      await request(app.getHttpServer()).get('/workflows').expect(200);
      expect((await request(app.getHttpServer()).get('/api/hello').expect(200)).body).toEqual({ hello: 'host' });
      expect((await request(app.getHttpServer()).get('/nothing').expect(404)).body).toEqual({ message: 'Cannot GET /nothing', error: 'Not Found', statusCode: 404 });
    }
  });

  it('under a global prefix, reads bodies and answers unknown paths under the prefixed base path, and none outside it', async () => {
    app = await hostApp({ basePath: 'api/workflows/', http: { bodyLimit: '2kb' } }, 'v1');
    const http = request(app.getHttpServer());
    await http.get('/v1/api/workflows/workflows').expect(200);
    // The API's body limit and envelope apply there too.
    const tooLarge = await http.post('/v1/api/workflows/workflows/approval/instances').send({ params: { requester: 'x'.repeat(3000), amount: 1 } }).expect(413);
    expect(tooLarge.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect((await http.get('/v1/api/workflows/nothing?x=1').expect(404)).body).toEqual({ message: 'No route GET /v1/api/workflows/nothing', code: 'ROUTE_NOT_FOUND' });
    // Outside the prefix, Nest leaves the answer to Express's own page.
    expect((await http.get('/api/workflows/nothing').expect(404)).text).toContain('Cannot GET /api/workflows/nothing');
  });

  it('refuses options that shape the module when the factory returns them, instead of ignoring them', async () => {
    const build = Test.createTestingModule({
      imports: [
        WorkflowsModule.forRootAsync({
          workflows: [approval],
          useFactory: () => ({ database: { url: 'sqlite::memory:' }, runner: { enabled: false }, http: { tick: false }, basePath: '/wf' }),
        }),
      ],
    }).compile();
    await expect(build).rejects.toThrow('WorkflowsModule.forRootAsync: "basePath", "http" shape the module and must be given beside useFactory, not returned by it');
    // Undefined means not given, as everywhere in the options: a spread config may carry such keys.
    const spread = await Test.createTestingModule({
      imports: [WorkflowsModule.forRootAsync({ workflows: [approval], useFactory: () => ({ database: { url: 'sqlite::memory:' }, runner: { enabled: false }, basePath: undefined }) })],
    }).compile();
    await spread.close();
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
