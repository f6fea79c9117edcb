import type { DynamicModule, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { EventsApiModule } from './events/events-api.module';
import { HistoryApiModule } from './history/history-api.module';
import { InstancesApiModule } from './instances/instances-api.module';
import { RunnerApiModule } from './runner/runner-api.module';
import { WorkflowsApiModule } from './workflows/workflows-api.module';

/** The HTTP API's modules, one per resource. */
export const HTTP_API_MODULES: Type[] = [WorkflowsApiModule, InstancesApiModule, HistoryApiModule, EventsApiModule, RunnerApiModule];

/** Mounts every API module under `basePath`. */
export function mountHttpApi(basePath: string): (DynamicModule | Type)[] {
  return [RouterModule.register([{ path: basePath, children: HTTP_API_MODULES }]), ...HTTP_API_MODULES];
}
