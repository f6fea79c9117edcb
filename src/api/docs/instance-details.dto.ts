import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { ErrorInfo } from '../../engine/errors';
import type { CreatedInstance } from '../../engine/lifecycle/create-instances';
import { INSTANCE_STATUSES, type InstanceStatus } from '../../engine/model';
import type { InstanceDetails } from '../../engine/views';

/** The descriptions of a step's child fields, shared by the history and the current step. */
export const CHILD_WORKFLOW = 'startWorkflow: the workflow of the child it started; waitForWorkflow: of the instance it waits for. Only on those steps.';
export const CHILD_INSTANCE = 'startWorkflow: the child it started; waitForWorkflow: the instance it waits for. Only on those steps.';

export class ErrorInfoDto implements ErrorInfo {
  @ApiProperty({ example: 'NonRetryableError' })
  name!: string;

  @ApiProperty({ example: 'card declined' })
  message!: string;
}

export class InstanceDetailsDto implements InstanceDetails {
  @ApiProperty({ enum: INSTANCE_STATUSES, example: 'waiting' })
  status!: InstanceStatus;

  @ApiPropertyOptional({ type: ErrorInfoDto, description: 'Set when the instance errored.' })
  error?: ErrorInfoDto;

  @ApiPropertyOptional({ description: 'The workflow’s return value; only when complete.', example: { status: 'paid' } })
  output?: unknown;
}

export class InstanceRefDto implements CreatedInstance {
  @ApiProperty({ example: 'order-1' })
  id!: string;

  @ApiProperty({ type: InstanceDetailsDto })
  details!: InstanceDetailsDto;
}

export class ActionResultDto extends InstanceRefDto {
  @ApiProperty({ example: true })
  ok!: true;
}
