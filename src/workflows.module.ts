import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EngineLifecycle } from './core/engine-lifecycle';
import { engineProviders } from './core/engine.providers';
import { ProcessErrorHandlers } from './core/process-error-handlers';
import { WorkflowsClient } from './engine/workflows-client';
import { RetentionJob } from './scheduler/retention-job.service';
import { RunnerLoop } from './scheduler/runner-loop.service';
import { mountHttpApi } from './api/http-api';
import { UnknownRoutesFallback } from './api/http-server/unknown-routes-fallback';
import { tracingProviders, WORKFLOW_TRACING } from './observability/tracing/workflow-tracing';
import { healthParts } from './health/health.parts';
import { metricsParts } from './metrics/metrics.parts';
import {
  factoryOptions,
  resolveWorkflowsOptions,
  WORKFLOWS_OPTIONS,
  type ResolvedWorkflowsOptions,
  type WorkflowsModuleAsyncOptions,
  type WorkflowsModuleOptions,
} from './workflows-module-options';

/**
 * What a host application imports: the engine on its database, the scheduled runner and its
 * retention purge, the HTTP API under `basePath`, health probes and Prometheus metrics at the
 * root, tracing (each of the four can be turned off), and the injectable `WorkflowsClient`.
 */
@Module({})
export class WorkflowsModule {
  static forRoot(given: WorkflowsModuleOptions = {}): DynamicModule {
    return WorkflowsModule.assemble(given, { provide: WORKFLOWS_OPTIONS, useValue: resolveWorkflowsOptions(given) });
  }

  /**
   * The options from a factory that may inject the host's providers (`ConfigService`): what the
   * module is made of (workflows, routes, health, metrics, tracing) is given here, because Nest
   * needs it before any provider exists; everything else may come from `useFactory`.
   */
  static forRootAsync({ useFactory, inject, ...structure }: WorkflowsModuleAsyncOptions): DynamicModule {
    return WorkflowsModule.assemble(structure, {
      provide: WORKFLOWS_OPTIONS,
      inject: inject ?? [],
      useFactory: async (...args: unknown[]) => resolveWorkflowsOptions({ ...factoryOptions(await useFactory(...args)), ...structure }),
    });
  }

  private static assemble(structure: WorkflowsModuleOptions, optionsProvider: Provider<ResolvedWorkflowsOptions>): DynamicModule {
    const options = resolveWorkflowsOptions(structure);
    const health = healthParts(options);
    const metrics = metricsParts(options);
    return {
      module: WorkflowsModule,
      global: true,
      imports: [ScheduleModule.forRoot(), ...mountHttpApi(options.basePath, options.http), ...health.imports, ...(options.imports ?? [])],
      controllers: [...health.controllers, ...metrics.controllers],
      providers: [
        optionsProvider,
        ...engineProviders(options.workflows ?? []),
        ...tracingProviders(options),
        ...(options.providers ?? []),
        RunnerLoop,
        RetentionJob,
        UnknownRoutesFallback,
        EngineLifecycle,
        ProcessErrorHandlers,
        ...health.providers,
        ...metrics.providers,
      ],
      exports: [WorkflowsClient, WORKFLOWS_OPTIONS, WORKFLOW_TRACING],
    };
  }
}
