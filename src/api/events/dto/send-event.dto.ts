import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsDefined, IsString } from 'class-validator';
import { Optional } from '../../validation/optional.decorator';
import type { SentEvent } from '../../../engine/lifecycle/send-event';
import { InstanceDetailsDto } from '../../docs/instance-details.dto';

export class SendEventDto {
  @ApiProperty({ description: 'Event type: 1-100 characters of letters, digits, `_` and `-`.', example: 'approval' })
  @IsDefined()
  @IsString()
  type!: string;

  @ApiPropertyOptional({ description: 'Any JSON, at most 1 MiB.', example: { approved: true, approver: 'grace' } })
  @Allow()
  payload?: unknown;

  @ApiPropertyOptional({
    description: 'Makes the send idempotent: a repeated id for the same instance is stored once and answered again.',
    example: 'decision-req-1',
  })
  @Optional()
  @IsString()
  id?: string;
}

export class EventReceiptDto {
  @ApiProperty({ example: 'decision-req-1' }) id!: string;
  @ApiProperty({ example: 'approval' }) type!: string;
  @ApiProperty({ example: '2026-11-29T10:05:00.000Z' }) createdAt!: string;
}

export class SentEventDto implements SentEvent {
  @ApiProperty({ type: InstanceDetailsDto, description: 'The instance after the event was stored.' })
  status!: InstanceDetailsDto;

  @ApiProperty({ type: EventReceiptDto })
  event!: EventReceiptDto;
}
