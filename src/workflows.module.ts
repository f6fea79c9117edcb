import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EngineLifecycle } from './core/engine-lifecycle';
import { engineProviders } from './core/engine.providers';
import { ProcessErrorHandlers } from './core/process-error-handlers';
import { WorkflowsClient } from './engine/workflows-client';
import { RetentionJob } from './scheduler/retention-job.service';
import { RunnerLoop } from './scheduler/runner-loop.service';
import { mountHttpApi } from './api/http-api';
import { resolveWorkflowsOptions, WORKFLOWS_OPTIONS, type WorkflowsModuleOptions } from './workflows-module-options';

/**
 * What a host application imports: the engine on its database, the scheduled runner and its
 * retention purge, the HTTP API under `basePath`, and the injectable `WorkflowsClient`.
 */
@Module({})
export class WorkflowsModule {
  static forRoot(given: WorkflowsModuleOptions = {}): DynamicModule {
    const options = resolveWorkflowsOptions(given);
    return {
      module: WorkflowsModule,
      global: true,
      imports: [ScheduleModule.forRoot(), ...mountHttpApi(options.basePath), ...(options.imports ?? [])],
      providers: [...engineProviders(options), ...(options.providers ?? []), RunnerLoop, RetentionJob, EngineLifecycle, ProcessErrorHandlers],
      exports: [WorkflowsClient, WORKFLOWS_OPTIONS],
    };
  }
}
