import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { EngineLifecycle } from './core/engine-lifecycle';
import { engineProviders } from './core/engine.providers';
import { WorkflowsClient } from './engine/workflows-client';
import { RunnerLoop } from './scheduler/runner-loop.service';
import type { WorkflowsModuleOptions } from './workflows-module-options';

/**
 * What a host application imports: the engine on its database, the scheduled runner, and the
 * injectable `WorkflowsClient`.
 */
@Module({})
export class WorkflowsModule {
  static forRoot(options: WorkflowsModuleOptions = {}): DynamicModule {
    return {
      module: WorkflowsModule,
      global: true,
      imports: [ScheduleModule.forRoot(), ...(options.imports ?? [])],
      providers: [...engineProviders(options), ...(options.providers ?? []), RunnerLoop, EngineLifecycle],
      exports: [WorkflowsClient],
    };
  }
}
