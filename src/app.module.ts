import { type DynamicModule, Module } from '@nestjs/common';
import type { ServerConfiguration } from './config/server-config.module';
import type { WorkflowSource } from './engine';
import { WorkflowsModule } from './workflows.module';

/** The standalone server: the workflows module configured from the validated environment. */
@Module({})
export class AppModule {
  static forRoot({ config, module: configModule }: ServerConfiguration, workflows: WorkflowSource[]): DynamicModule {
    return {
      module: AppModule,
      imports: [
        configModule,
        WorkflowsModule.forRoot({
          workflows,
          database: { url: config.databaseUrl, poolSize: config.runner.concurrency + 5 },
          basePath: config.basePath,
          enableRunnerTick: config.enableRunnerTick,
          runner: config.runner,
          cursorSecret: config.cursorSecret,
          installProcessErrorHandlers: true,
          logPayloads: config.logPayloads,
          health: config.health,
          metrics: config.metrics,
          tracing: config.otlp ? { otlp: config.otlp } : true,
          retention: config.retention,
        }),
      ],
    };
  }
}
