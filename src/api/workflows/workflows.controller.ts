import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { WorkflowsClient } from '../../engine/workflows-client';
import { Authorize } from '../auth/authorize.decorator';
import { API_EXAMPLES } from '../docs/api-examples.generated';
import { ApiErrors } from '../docs/api-errors.decorator';
import { WorkflowsApiController } from '../workflows-api-controller.decorator';
import { NoQueryDto } from '../validation/no-input.dto';
import { WorkflowListDto } from './dto/workflow-list.dto';

@WorkflowsApiController('workflows', 'workflows')
export class WorkflowsController {
  constructor(private readonly client: WorkflowsClient) {}

  @Get()
  @Authorize({ kind: 'read' })
  @ApiOperation({ summary: 'List workflows', description: 'The registered workflow names, with their descriptions.' })
  @ApiOkResponse({ type: WorkflowListDto, example: API_EXAMPLES.responses.workflows })
  @ApiErrors()
  list(@Query() _query: NoQueryDto): WorkflowListDto {
    return { workflows: this.client.listWorkflows() };
  }
}
