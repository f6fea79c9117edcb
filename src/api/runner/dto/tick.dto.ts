import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { TICK_OPTIONS } from '../../../engine/runner/runner-defaults';
import { Optional } from '../../validation/optional.decorator';

const { maxInstances, maxSteps } = TICK_OPTIONS;

export class TickDto {
  @ApiPropertyOptional({ minimum: maxInstances.min, maximum: maxInstances.max, default: maxInstances.default, description: 'How many instances this call may advance.' })
  @Optional()
  @IsInt()
  @Min(maxInstances.min)
  @Max(maxInstances.max)
  maxInstances?: number;

  @ApiPropertyOptional({ minimum: maxSteps.min, maximum: maxSteps.max, default: maxSteps.default, description: 'How many steps each may execute in this call.' })
  @Optional()
  @IsInt()
  @Min(maxSteps.min)
  @Max(maxSteps.max)
  maxSteps?: number;
}

export class TickResultDto {
  @ApiProperty({ example: 3, description: 'Instances advanced.' })
  processed!: number;

  @ApiPropertyOptional({ example: '2026-11-29T10:00:05.000Z', description: 'The earliest due time, when anything is scheduled.' })
  nextWakeAt?: string;
}
