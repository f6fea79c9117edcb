import { type DynamicModule, Module } from '@nestjs/common';
import type { ServerConfig } from './config/server-config';
import type { WorkflowSource } from './engine';
import { exampleWorkflows } from './examples';
import { WorkflowsModule } from './workflows.module';

/** The standalone server: the workflows module configured from the environment. */
@Module({})
export class AppModule {
  static forRoot(config: ServerConfig, loadedWorkflows: WorkflowSource[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        WorkflowsModule.forRoot({
          workflows: [...(config.examples ? exampleWorkflows : []), ...loadedWorkflows],
          database: { url: config.databaseUrl, poolSize: config.runner.concurrency + 5 },
          basePath: config.basePath,
          enableRunnerTick: config.enableRunnerTick,
          runner: config.runner,
          cursorSecret: config.cursorSecret,
          installProcessErrorHandlers: true,
        }),
      ],
    };
  }
}
