import { applyDecorators, Body, Delete, Get, Headers, HttpCode, HttpStatus, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { ManagementAction } from '../../engine/lifecycle/transitions';
import { WorkflowsClient } from '../../engine/workflows-client';
import { WORKFLOW_TRACING, type WorkflowTracing } from '../../observability/tracing/workflow-tracing';
import { Authorize } from '../auth/authorize.decorator';
import { API_EXAMPLES } from '../docs/api-examples.generated';
import { ApiErrors } from '../docs/api-errors.decorator';
import { ActionResultDto, InstanceRefDto } from '../docs/instance-details.dto';
import { ApiInstanceParams, ApiWorkflowNameParam } from '../docs/path-params';
import { ApiTraceParentHeader } from '../docs/trace-parent-header';
import { WorkflowsApiController } from '../workflows-api-controller.decorator';
import { BatchCreatedDto, CreateBatchDto, CreateInstanceDto } from './dto/create-instance.dto';
import { DeletedInstanceDto, DeleteInstanceQueryDto } from './dto/delete-instance.dto';
import { InstanceDto, InstancePageDto } from './dto/instance-page.dto';
import { ListInstancesQueryDto } from './dto/list-instances.query.dto';
import { NoBodyDto, NoQueryDto } from '../validation/no-input.dto';

const ACTIONS: Record<ManagementAction, string> = {
  pause: 'Queued or waiting instances pause at once; a running one becomes `waitingForPause` and pauses at its next step boundary. Its timers keep running.',
  resume: 'A paused instance is queued again; a `waitingForPause` one withdraws the request and keeps running.',
  restart: 'Starts a new run (runNumber + 1) from the beginning, from any state; earlier runs stay readable in history.',
  terminate: 'Ends the instance for good; the result of a step in flight is discarded.',
};

/** POST `:instanceId/<action>`: one of the four management actions, documented from ACTIONS. */
function ManagementRoute(action: ManagementAction, summary: string) {
  return applyDecorators(
    Post(`:instanceId/${action}`),
    HttpCode(HttpStatus.OK),
    Authorize({ kind: 'management', action }),
    ApiOperation({ summary, description: ACTIONS[action] }),
    ApiInstanceParams(),
    ApiOkResponse({ type: ActionResultDto, example: API_EXAMPLES.responses[action] }),
    action === 'restart'
      ? ApiErrors('INVALID_INSTANCE_ID', 'WORKFLOW_NOT_FOUND', 'INSTANCE_NOT_FOUND', 'VALIDATION_ERROR')
      : ApiErrors('INVALID_INSTANCE_ID', 'WORKFLOW_NOT_FOUND', 'INSTANCE_NOT_FOUND', 'INSTANCE_TERMINAL', 'VALIDATION_ERROR'),
  );
}

@WorkflowsApiController('workflows/:workflowName/instances', 'instances')
export class InstancesController {
  constructor(
    private readonly client: WorkflowsClient,
    @Inject(WORKFLOW_TRACING) private readonly tracing: WorkflowTracing,
  ) {}

  @Get()
  @Authorize({ kind: 'read' })
  @ApiOperation({ summary: 'List instances', description: 'Newest first, with keyset pagination.' })
  @ApiWorkflowNameParam()
  @ApiOkResponse({ type: InstancePageDto, example: API_EXAMPLES.responses.list })
  @ApiErrors('VALIDATION_ERROR', 'INVALID_CURSOR', 'WORKFLOW_NOT_FOUND')
  list(@Param('workflowName') workflowName: string, @Query() query: ListInstancesQueryDto) {
    return this.client.list(workflowName, query);
  }

  @Post()
  @Authorize({ kind: 'creation' })
  @ApiOperation({ summary: 'Create an instance', description: 'Queues a new instance; the runner picks it up at once.' })
  @ApiWorkflowNameParam()
  @ApiTraceParentHeader()
  // No id in the example: "Try it out" then creates a new instance every time.
  @ApiBody({ type: CreateInstanceDto, examples: { approval: { summary: 'An approval request', value: { params: { requester: 'ada', amount: 120 } } } } })
  @ApiCreatedResponse({ type: InstanceRefDto, example: API_EXAMPLES.responses.create })
  @ApiErrors(
    'VALIDATION_ERROR',
    'INVALID_INSTANCE_ID',
    'WORKFLOW_PARAMS_INVALID',
    'WORKFLOW_NOT_FOUND',
    'INSTANCE_ID_ALREADY_EXISTS',
    'PAYLOAD_TOO_LARGE',
  )
  create(
    @Param('workflowName') workflowName: string,
    @Body() body: CreateInstanceDto,
    @Query() _query: NoQueryDto,
    @Headers('traceparent') traceParent: string | undefined,
  ) {
    return this.client.create(workflowName, body, { traceParent: this.tracing.requestTraceParent(traceParent) });
  }

  @Post('batch')
  @Authorize({ kind: 'creation', batch: true })
  @ApiOperation({
    summary: 'Create a batch of instances',
    description: 'All or nothing on invalid input (`details.index` names the item); ids that exist or repeat are skipped.',
  })
  @ApiWorkflowNameParam()
  @ApiTraceParentHeader()
  @ApiBody({ type: CreateBatchDto })
  @ApiCreatedResponse({ type: BatchCreatedDto, example: API_EXAMPLES.responses.batch })
  @ApiErrors('VALIDATION_ERROR', 'INVALID_INSTANCE_ID', 'WORKFLOW_PARAMS_INVALID', 'WORKFLOW_NOT_FOUND', 'PAYLOAD_TOO_LARGE')
  async createBatch(
    @Param('workflowName') workflowName: string,
    @Body() body: CreateBatchDto,
    @Query() _query: NoQueryDto,
    @Headers('traceparent') traceParent: string | undefined,
  ): Promise<BatchCreatedDto> {
    const options = { traceParent: this.tracing.requestTraceParent(traceParent) };
    return { instances: await this.client.createBatch(workflowName, body.instances, options) };
  }

  @Get(':instanceId')
  @Authorize({ kind: 'read' })
  @ApiOperation({ summary: 'Get instance details', description: 'Status, output or error, and metadata with the current step.' })
  @ApiInstanceParams()
  @ApiOkResponse({
    type: InstanceDto,
    examples: {
      waiting: { summary: 'Waiting for an event', value: API_EXAMPLES.responses.waiting },
      complete: { summary: 'Complete, with its output', value: API_EXAMPLES.responses.complete },
    },
  })
  @ApiErrors('INVALID_INSTANCE_ID', 'WORKFLOW_NOT_FOUND', 'INSTANCE_NOT_FOUND')
  get(@Param('workflowName') workflowName: string, @Param('instanceId') instanceId: string, @Query() _query: NoQueryDto) {
    return this.client.get(workflowName, instanceId);
  }

  @ManagementRoute('pause', 'Pause an instance')
  pause(
    @Param('workflowName') workflowName: string,
    @Param('instanceId') instanceId: string,
    @Query() _query: NoQueryDto,
    @Body() _body: NoBodyDto,
  ) {
    return this.act('pause', workflowName, instanceId);
  }

  @ManagementRoute('resume', 'Resume an instance')
  resume(
    @Param('workflowName') workflowName: string,
    @Param('instanceId') instanceId: string,
    @Query() _query: NoQueryDto,
    @Body() _body: NoBodyDto,
  ) {
    return this.act('resume', workflowName, instanceId);
  }

  @ManagementRoute('restart', 'Restart an instance')
  restart(
    @Param('workflowName') workflowName: string,
    @Param('instanceId') instanceId: string,
    @Query() _query: NoQueryDto,
    @Body() _body: NoBodyDto,
  ) {
    return this.act('restart', workflowName, instanceId);
  }

  @ManagementRoute('terminate', 'Terminate an instance')
  terminate(
    @Param('workflowName') workflowName: string,
    @Param('instanceId') instanceId: string,
    @Query() _query: NoQueryDto,
    @Body() _body: NoBodyDto,
  ) {
    return this.act('terminate', workflowName, instanceId);
  }

  @Delete(':instanceId')
  @Authorize({ kind: 'management', action: 'delete' })
  @ApiOperation({
    summary: 'Delete an instance',
    description:
      'Deletes a finished instance (complete, errored, terminated) with the steps, events and logs of all its runs, in one transaction. ' +
      'A live instance is refused with 409 `INSTANCE_NOT_TERMINAL` unless `force=true`, which terminates it first (a step in flight is discarded).',
  })
  @ApiInstanceParams()
  @ApiOkResponse({ type: DeletedInstanceDto, example: API_EXAMPLES.responses.delete })
  @ApiErrors('VALIDATION_ERROR', 'INVALID_INSTANCE_ID', 'WORKFLOW_NOT_FOUND', 'INSTANCE_NOT_FOUND', 'INSTANCE_NOT_TERMINAL')
  async delete(
    @Param('workflowName') workflowName: string,
    @Param('instanceId') instanceId: string,
    @Query() query: DeleteInstanceQueryDto,
    @Body() _body: NoBodyDto,
  ): Promise<DeletedInstanceDto> {
    return { ok: true, ...(await this.client.delete(workflowName, instanceId, { force: query.force })) };
  }

  private async act(action: ManagementAction, workflowName: string, instanceId: string): Promise<ActionResultDto> {
    const result = await this.client[action](workflowName, instanceId);
    return { ok: true, ...result };
  }
}
