/**
 * The package's main entry (`durable-workflows`): the Nest module a host application imports,
 * the client it injects, and the authoring API its workflows are written with.
 */
import 'reflect-metadata';

export * from './engine';
export { WorkflowsModule } from './workflows.module';
export type {
  WorkflowsModuleAsyncOptions,
  WorkflowsModuleStructure,
  HttpOptions,
  WorkflowsModuleOptions,
  RunnerOptions,
  HealthOptions,
  MetricsOptions,
  RetentionSchedule,
} from './workflows-module-options';
export type { DatabaseOptions } from './persistence/data-source-options';
export type { TracingOptions } from './observability/tracing/tracing-options';
export type { AuthorizationHooks } from './api/auth/authorization-hooks';
export { setupWorkflowsHttp } from './api/http-server/setup-workflows-http';
/** Swagger UI for the workflows API: `setupWorkflowsSwagger(app, 'docs')` before `app.listen()`. */
export { setupSwaggerUi as setupWorkflowsSwagger } from './api/docs/openapi-document';
