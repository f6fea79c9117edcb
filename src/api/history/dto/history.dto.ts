import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOG_LEVELS, type LogLevel } from '../../../engine/definition/types';
import { STEP_STATUSES, STEP_TYPES, type StepStatus, type StepType } from '../../../engine/model';
import type { History } from '../../../engine/queries/history-query';
import type { EventView, LogView, StepView } from '../../../engine/views';
import { CHILD_INSTANCE, CHILD_WORKFLOW, ErrorInfoDto } from '../../docs/instance-details.dto';

const nullableTime = { nullable: true, type: String, example: null };

export class StepDto implements StepView {
  @ApiProperty({ example: '0b8f…' }) id!: string;
  @ApiProperty({ example: 0 }) runNumber!: number;
  @ApiProperty({ example: 'charge card', description: 'What identifies the step in its run: its name.' }) stepKey!: string;
  @ApiProperty({ example: 'charge card' }) name!: string;
  @ApiProperty({ enum: STEP_TYPES }) type!: StepType;
  @ApiProperty({ enum: STEP_STATUSES }) status!: StepStatus;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ nullable: true, type: Number, example: 6, description: '1 for sleep, waits and startWorkflow; for do, null when retries are unlimited' })
  maxAttempts!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: 600000, description: "do: each attempt's timeout; waitForEvent, waitForWorkflow: the wait's timeout; otherwise null" })
  timeoutMs!: number | null;
  @ApiProperty(nullableTime) nextRetryAt!: string | null;
  @ApiProperty({ ...nullableTime, description: 'sleep: when it wakes; waitForEvent, waitForWorkflow: when it times out' }) wakeAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) waitEventType!: string | null;
  @ApiPropertyOptional({ example: 'payment', description: CHILD_WORKFLOW }) childWorkflowName?: string;
  @ApiPropertyOptional({ example: 'order-1-0-payment-1', description: CHILD_INSTANCE }) childInstanceId?: string;
  @ApiProperty({
    example: { chargeId: 'ch-1' },
    description: 'The stored result (JSON). startWorkflow: `{ workflowName, instanceId }` of the child; a failed startWorkflow or waitForWorkflow: what its ChildWorkflowError says of the instance.',
  })
  result!: unknown;
  @ApiPropertyOptional({ type: ErrorInfoDto }) error?: ErrorInfoDto;
  @ApiProperty({ example: '2026-11-29T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-29T10:00:00.300Z' }) updatedAt!: string;
}

export class EventDto implements EventView {
  @ApiProperty({ example: 'evt-1' }) id!: string;
  @ApiProperty({ example: 0 }) runNumber!: number;
  @ApiProperty({ example: 'approval' }) type!: string;
  @ApiProperty({ example: { approved: true } }) payload!: unknown;
  @ApiProperty({ example: '2026-11-29T10:05:00.000Z' }) createdAt!: string;
  @ApiProperty(nullableTime) deliveredAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'wait for decision' }) consumedByStepKey!: string | null;
}

export class LogDto implements LogView {
  @ApiProperty({ example: '42' }) id!: string;
  @ApiProperty({ example: 0 }) runNumber!: number;
  @ApiProperty({ nullable: true, type: String, example: 'charge card', description: 'The step that wrote it; null for the workflow body.' }) stepKey!: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1 }) attempt!: number | null;
  @ApiProperty({ enum: LOG_LEVELS }) level!: LogLevel;
  @ApiProperty({ example: 'workflow' }) category!: string;
  @ApiProperty({ example: 'Charging the card' }) message!: string;
  @ApiProperty({ example: { amount: 120 } }) data!: unknown;
  @ApiProperty({ description: 'Written by code re-executed during a replay.' }) isReplay!: boolean;
  @ApiProperty({ example: '2026-11-29T10:00:00.100Z' }) createdAt!: string;
}

export class HistoryDto implements History {
  @ApiProperty({ example: 0, description: 'The run shown; a run that never happened has no steps, events or logs.' }) runNumber!: number;
  @ApiProperty({ type: [StepDto] }) steps!: StepDto[];
  @ApiProperty({ type: [EventDto] }) events!: EventDto[];
  @ApiPropertyOptional() stepsCursor?: string;
  @ApiProperty() stepsHasNextPage!: boolean;
  @ApiPropertyOptional() eventsCursor?: string;
  @ApiProperty() eventsHasNextPage!: boolean;
  @ApiPropertyOptional({ type: [LogDto], description: 'Only with includeLogs=true.' }) logs?: LogDto[];
  @ApiPropertyOptional() logsCursor?: string;
  @ApiPropertyOptional() logsHasNextPage?: boolean;
}
