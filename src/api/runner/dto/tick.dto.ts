import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from '../../validation/optional.decorator';

export class TickDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 10, description: 'How many instances this call may advance.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(1000)
  maxInstances?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, default: 100, description: 'How many steps each may execute in this call.' })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(10000)
  maxSteps?: number;
}

export class TickResultDto {
  @ApiProperty({ example: 3, description: 'Instances advanced.' })
  processed!: number;

  @ApiPropertyOptional({ example: '2026-11-29T10:00:05.000Z', description: 'The earliest due time, when anything is scheduled.' })
  nextWakeAt?: string;
}
