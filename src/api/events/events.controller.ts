import { Body, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { WorkflowsClient } from '../../engine/workflows-client';
import { Authorize } from '../auth/authorize.decorator';
import { API_EXAMPLES } from '../docs/api-examples.generated';
import { ApiErrors } from '../docs/api-errors.decorator';
import { ApiInstanceParams } from '../docs/path-params';
import { WorkflowsApiController } from '../workflows-api-controller.decorator';
import { NoQueryDto } from '../validation/no-input.dto';
import { SendEventDto, SentEventDto } from './dto/send-event.dto';

@WorkflowsApiController('workflows/:workflowName/instances/:instanceId/events', 'events')
export class EventsController {
  constructor(private readonly client: WorkflowsClient) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @Authorize({ kind: 'sendEvent' })
  @ApiOperation({
    summary: 'Send an event',
    description:
      'Stored durably before the response; wakes a matching `waitForEvent`, or waits for one (events sent early are buffered).',
  })
  @ApiInstanceParams()
  @ApiBody({ type: SendEventDto })
  @ApiOkResponse({ type: SentEventDto, example: API_EXAMPLES.responses.sent })
  @ApiErrors('VALIDATION_ERROR', 'INVALID_EVENT_TYPE', 'INVALID_INSTANCE_ID', 'WORKFLOW_NOT_FOUND', 'INSTANCE_NOT_FOUND', 'INSTANCE_TERMINAL', 'PAYLOAD_TOO_LARGE')
  send(
    @Param('workflowName') workflowName: string,
    @Param('instanceId') instanceId: string,
    @Body() body: SendEventDto,
    @Query() _query: NoQueryDto,
  ) {
    return this.client.sendEvent(workflowName, instanceId, body);
  }
}
