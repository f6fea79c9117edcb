import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { bearerTokenCheck, refuseWithoutToken } from '../api/http-server/bearer-token.middleware';
import { type MetricsOptions, type ResolvedWorkflowsOptions, WORKFLOWS_OPTIONS } from '../workflows-module-options';
import { WorkflowMetrics } from './workflow-metrics';

/** Where the scrape is served: at the application's root, outside the API's base path. */
export const METRICS_PATH = '/metrics';

/**
 * `GET /metrics` in Prometheus's text format. Outside the API's authorization hooks (scrapers
 * carry no user); with `metrics.token` it wants `Authorization: Bearer <token>` instead.
 */
@ApiExcludeController()
@Controller()
export class MetricsController {
  private readonly authorized: (authorization: string | undefined) => boolean;

  constructor(
    private readonly metrics: WorkflowMetrics,
    @Inject(WORKFLOWS_OPTIONS) options: ResolvedWorkflowsOptions,
  ) {
    const { token } = options.metrics as MetricsOptions;
    this.authorized = token ? bearerTokenCheck(token) : () => true;
  }

  @Get(METRICS_PATH)
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (!this.authorized(request.headers.authorization)) return refuseWithoutToken(response);
    const { registry } = this.metrics;
    response.set('Content-Type', registry.contentType).send(await registry.metrics());
  }
}
