import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { ResolvedWorkflowsOptions } from '../workflows-module-options';
import { HealthController } from './health.controller';
import { ReadinessChecks } from './readiness-checks';

/** `GET /health/live` and `/health/ready`; nothing when `health: false`. */
export function healthParts(options: ResolvedWorkflowsOptions): { imports: DynamicModule[]; controllers: Type[]; providers: Provider[] } {
  if (!options.health) return { imports: [], controllers: [], providers: [] };
  // Its logger off: a failed check is in the 503's body, and a probe every few seconds during an
  // outage would repeat the same error in the log each time.
  return { imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController], providers: [ReadinessChecks] };
}
