import { Body, type CanActivate, HttpCode, HttpStatus, Inject, Injectable, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { HttpApiError } from '../http-server/http-error-codes';
import { WorkflowsClient } from '../../engine/workflows-client';
import { WORKFLOWS_OPTIONS, type ResolvedWorkflowsOptions } from '../../workflows-module-options';
import { Authorize } from '../auth/authorize.decorator';
import { API_EXAMPLES } from '../docs/api-examples.generated';
import { ApiErrors } from '../docs/api-errors.decorator';
import { WorkflowsApiController } from '../workflows-api-controller.decorator';
import { NoQueryDto } from '../validation/no-input.dto';
import { TickDto, TickResultDto } from './dto/tick.dto';

/**
 * A switched-off tick route answers RUNNER_TICK_DISABLED to whoever `authorizeRequest` let
 * through, before its own hook and before validation.
 */
@Injectable()
class RunnerTickEnabledGuard implements CanActivate {
  constructor(@Inject(WORKFLOWS_OPTIONS) private readonly options: ResolvedWorkflowsOptions) {}

  canActivate(): boolean {
    if (!this.options.enableRunnerTick) {
      throw new HttpApiError('RUNNER_TICK_DISABLED', 'The runner tick route is disabled (enableRunnerTick is false)');
    }
    return true;
  }
}

@WorkflowsApiController('_runner', 'runner')
export class RunnerController {
  constructor(private readonly client: WorkflowsClient) {}

  @Post('tick')
  @HttpCode(HttpStatus.OK)
  @Authorize({ kind: 'runnerTick' }, [RunnerTickEnabledGuard])
  @ApiOperation({
    summary: 'Run the runner once',
    description: 'Advances due instances in this request, for an external scheduler. Off unless `enableRunnerTick` is set.',
  })
  @ApiBody({ type: TickDto, required: false })
  @ApiOkResponse({ type: TickResultDto, example: API_EXAMPLES.responses.tick })
  @ApiErrors('VALIDATION_ERROR', 'RUNNER_TICK_DISABLED')
  async tick(@Body() body: TickDto, @Query() _query: NoQueryDto): Promise<TickResultDto> {
    const result = await this.client.tick(body);
    return { processed: result.processed, ...(result.nextWakeAt ? { nextWakeAt: result.nextWakeAt.toISOString() } : {}) };
  }
}
