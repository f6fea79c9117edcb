import { Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { WorkflowsClient } from '../../engine/workflows-client';
import { Authorize } from '../auth/authorize.decorator';
import { API_EXAMPLES } from '../docs/api-examples.generated';
import { ApiErrors } from '../docs/api-errors.decorator';
import { ApiInstanceParams } from '../docs/path-params';
import { WorkflowsApiController } from '../workflows-api-controller.decorator';
import { HistoryDto } from './dto/history.dto';
import { HistoryQueryDto } from './dto/history-query.dto';

@WorkflowsApiController('workflows/:workflowName/instances/:instanceId/history', 'history')
export class HistoryController {
  constructor(private readonly client: WorkflowsClient) {}

  @Get()
  @Authorize({ kind: 'read' })
  @ApiOperation({
    summary: 'Get history',
    description:
      'Steps, events and (with includeLogs=true) log lines of one run; the three streams page independently with their own cursors.',
  })
  @ApiInstanceParams()
  @ApiOkResponse({ type: HistoryDto, example: API_EXAMPLES.responses.history })
  @ApiErrors('VALIDATION_ERROR', 'INVALID_INSTANCE_ID', 'INVALID_CURSOR', 'WORKFLOW_NOT_FOUND', 'INSTANCE_NOT_FOUND')
  history(
    @Param('workflowName') workflowName: string,
    @Param('instanceId') instanceId: string,
    @Query() query: HistoryQueryDto,
  ) {
    return this.client.history(workflowName, instanceId, query);
  }
}
