import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { InstanceDetailsDto, InstanceRefDto } from '../../docs/instance-details.dto';

export class InstanceSummaryDto extends InstanceRefDto {
  @ApiProperty({ example: '2026-11-29T10:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ example: '2026-11-29T10:00:01.250Z' })
  updatedAt!: string;
}

export class InstancePageDto {
  @ApiProperty({ type: [InstanceSummaryDto], description: 'Newest first.' })
  instances!: InstanceSummaryDto[];

  @ApiPropertyOptional({ description: 'Pass as `cursor` for the next page; present when `hasNextPage`.' })
  cursor?: string;

  @ApiProperty()
  hasNextPage!: boolean;
}

export class CurrentStepDto {
  @ApiProperty({ example: 'wait for decision' }) name!: string;
  @ApiProperty({ enum: ['do', 'sleep', 'waitForEvent'] }) type!: string;
  @ApiProperty({ enum: ['running', 'waiting', 'completed', 'errored'] }) status!: string;
  @ApiProperty({ example: 0 }) attempts!: number;
  @ApiProperty({ nullable: true, type: Number, example: null }) maxAttempts!: number | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) timeoutMs!: number | null;
  @ApiProperty({ nullable: true, type: String, example: null }) nextRetryAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-29T11:00:00.000Z' }) wakeAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'approval' }) waitEventType!: string | null;
  @ApiPropertyOptional({ type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' } } })
  error?: { name: string; message: string };
}

export class InstanceMetaDto {
  @ApiProperty({ example: 'approval' }) workflowName!: string;
  @ApiProperty({ example: 1 }) runNumber!: number;
  @ApiProperty({ example: { requester: 'ada', amount: 120 } }) params!: unknown;
  @ApiProperty({ description: 'A pause was asked while running; it takes effect at the next step boundary.' })
  pauseRequested!: boolean;
  @ApiProperty({ example: '2026-11-29T10:00:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: '2026-11-29T10:00:00.120Z' }) updatedAt!: string;
  @ApiProperty({ nullable: true, type: String, example: '2026-11-29T10:00:00.050Z' }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) completedAt!: string | null;
  @ApiPropertyOptional({ type: CurrentStepDto, description: 'The step the run is at, or its last step.' })
  currentStep?: CurrentStepDto;
}

export class InstanceDto {
  @ApiProperty({ example: 'req-1' }) id!: string;
  @ApiProperty({ type: InstanceDetailsDto }) details!: InstanceDetailsDto;
  @ApiProperty({ type: InstanceMetaDto }) meta!: InstanceMetaDto;
}
