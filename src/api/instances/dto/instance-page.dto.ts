import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type ParentRun, STEP_STATUSES, STEP_TYPES, type StepStatus, type StepType } from '../../../engine/model';
import type { InstancePage } from '../../../engine/queries/instance-queries';
import type { CurrentStepView, InstanceSummary, InstanceView } from '../../../engine/views';
import { CHILD_INSTANCE, CHILD_WORKFLOW, ErrorInfoDto, InstanceDetailsDto, InstanceRefDto } from '../../docs/instance-details.dto';

type InstanceMeta = InstanceView['meta'];

export class InstanceSummaryDto extends InstanceRefDto implements InstanceSummary {
  @ApiProperty({ example: '2026-11-29T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-29T10:00:01.250Z' })
  updatedAt!: string;
}

export class InstancePageDto implements InstancePage {
  @ApiProperty({ type: [InstanceSummaryDto], description: 'Newest first.' })
  instances!: InstanceSummaryDto[];

  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; present when `hasNextPage`.' })
  cursor?: string;

  @ApiProperty()
  hasNextPage!: boolean;
}

export class CurrentStepDto implements CurrentStepView {
  @ApiProperty({ example: 'wait for decision', description: 'What identifies the step in its run: its name.' }) stepKey!: string;
  @ApiProperty({ example: 'wait for decision' }) name!: string;
  @ApiProperty({ enum: STEP_TYPES }) type!: StepType;
  @ApiProperty({ enum: STEP_STATUSES }) status!: StepStatus;
  @ApiProperty({ example: 0 }) attempts!: number;
  @ApiProperty({ nullable: true, type: Number, example: 1, description: '1 for sleep, waits and startWorkflow; for do, null when retries are unlimited' })
  maxAttempts!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 86400000, description: "do: each attempt's timeout; waitForEvent, waitForWorkflow: the wait's timeout; otherwise null" })
  timeoutMs!: number | null;
  @ApiProperty({ nullable: true, type: String, example: null }) nextRetryAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-29T11:00:00.000Z' }) wakeAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'approval' }) waitEventType!: string | null;
  @ApiPropertyOptional({ example: 'payment', description: CHILD_WORKFLOW }) childWorkflowName?: string;
  @ApiPropertyOptional({ example: 'order-1-0-payment-1', description: CHILD_INSTANCE }) childInstanceId?: string;
  @ApiPropertyOptional({ type: ErrorInfoDto })
  error?: ErrorInfoDto;
}

export class ParentRunDto implements ParentRun {
  @ApiProperty({ example: 'order' }) workflowName!: string;
  @ApiProperty({ example: 'order-1' }) instanceId!: string;
  @ApiProperty({ example: 0, description: 'The run of the parent that started this instance.' }) runNumber!: number;
}

export class InstanceMetaDto implements InstanceMeta {
  @ApiProperty({ example: 'approval' }) workflowName!: string;
  @ApiProperty({ example: 0, description: 'The current run: 0 is the first, each restart adds one.' }) runNumber!: number;
  @ApiProperty({ example: { requester: 'ada', amount: 120 }, description: '`{}` when created without params.' }) params!: unknown;
  @ApiProperty({ description: 'A pause was asked while running; it takes effect at the next step boundary.' })
  pauseRequested!: boolean;
  @ApiProperty({ example: '2026-11-29T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-29T10:00:00.120Z' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-29T10:00:00.050Z' }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) completedAt!: string | null;
  @ApiPropertyOptional({ type: ParentRunDto, description: 'The run that started this instance with `step.startWorkflow`; absent for one created from outside.' })
  parent?: ParentRunDto;
  @ApiPropertyOptional({ type: CurrentStepDto, description: 'The step the run is at, or its last step.' })
  currentStep?: CurrentStepDto;
}

export class InstanceDto implements InstanceView {
  @ApiProperty({ example: 'req-1' }) id!: string;
  @ApiProperty({ type: InstanceDetailsDto }) details!: InstanceDetailsDto;
  @ApiProperty({ type: InstanceMetaDto }) meta!: InstanceMetaDto;
}
