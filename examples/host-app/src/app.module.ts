import { Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { WorkflowsModule } from 'durable-workflows';
import { GreetingService } from './greeting.service';
import { GreetingWorkflow } from './greeting.workflow';

@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true }),
    WorkflowsModule.forRootAsync({
      workflows: [GreetingWorkflow],
      providers: [GreetingService],
      basePath: '/api/workflows',
      inject: [ConfigService],
      useFactory: (config: ConfigService) => ({
        database: { url: config.getOrThrow<string>('DATABASE_URL') },
        runner: { pollIntervalMs: 200 },
      }),
    }),
  ],
})
export class AppModule {}
