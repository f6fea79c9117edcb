import type { DynamicModule, Type } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import type { HttpOptions } from '../workflows-module-options';
import { EventsApiModule } from './events/events-api.module';
import { HistoryApiModule } from './history/history-api.module';
import { InstancesApiModule } from './instances/instances-api.module';
import { RunnerApiModule } from './runner/runner-api.module';
import { WorkflowsApiModule } from './workflows/workflows-api.module';

/** The HTTP API's modules, one per route group. */
const ROUTE_GROUPS: Record<Exclude<keyof HttpOptions, 'bodyLimit'>, Type> = {
  workflows: WorkflowsApiModule,
  instances: InstancesApiModule,
  history: HistoryApiModule,
  events: EventsApiModule,
  tick: RunnerApiModule,
};

export const HTTP_API_MODULES: Type[] = Object.values(ROUTE_GROUPS);

/** Mounts the API modules that `http` leaves on under `basePath` (none with `http: false`). */
export function mountHttpApi(basePath: string, http: HttpOptions | false): (DynamicModule | Type)[] {
  if (!http) return [];
  const modules = Object.entries(ROUTE_GROUPS).filter(([group]) => http[group as keyof typeof ROUTE_GROUPS]).map(([, module]) => module);
  return [RouterModule.register([{ path: basePath, children: modules }]), ...modules];
}
