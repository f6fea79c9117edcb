import { Controller, Get, Header, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { ReadinessChecks } from './readiness-checks';

/** Where the probes are served: at the application's root, outside the API's base path. */
export const HEALTH_PATH = '/health';

/**
 * Probes for orchestrators, outside the API's authorization: `live` answers 200 while the process
 * serves HTTP at all; `ready` answers 200 when this replica can do its work, else 503 with
 * Terminus's `{ status, info, error, details }` naming what is down.
 */
@ApiExcludeController()
@Controller(HEALTH_PATH)
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: ReadinessChecks,
  ) {}

  /** Nothing but the process: a database outage is not a reason to restart it (also while it shuts down). */
  @Get('live')
  @Header('Cache-Control', 'no-store')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Header('Cache-Control', 'no-store')
  async ready(@Res({ passthrough: true }) response: Response) {
    try {
      return await this.health.check(this.readiness.all());
    } catch (error) {
      // Terminus's own shape, not the API's error envelope: probes and dashboards read it as is.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      response.status(503);
      return error.getResponse();
    }
  }
}
