import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Allow, ArrayMinSize, IsArray, IsDefined, IsObject, IsString, ValidateNested } from 'class-validator';
import { Optional } from '../../validation/optional.decorator';
import { DEFAULT_LIMITS } from '../../../engine/limits';
import { InstanceRefDto } from '../../docs/instance-details.dto';

const ID_DESCRIPTION = '1-100 characters of letters, digits, `_` and `-`, not starting with `-`.';

export class CreateInstanceDto {
  @ApiPropertyOptional({ description: `Instance id (${ID_DESCRIPTION}) Generated when omitted.`, example: 'req-1' })
  @Optional()
  @IsString()
  id?: string;

  @ApiPropertyOptional({
    description: 'Input of the workflow (`event.payload`), checked by its params schema; at most 1 MiB as JSON.',
    example: { requester: 'ada', amount: 120 },
  })
  @Allow()
  params?: unknown;
}

export class BatchItemDto {
  @ApiProperty({ description: `Instance id (${ID_DESCRIPTION})`, example: 'req-2' })
  @IsDefined()
  @IsString()
  id!: string;

  @ApiPropertyOptional({ example: { requester: 'grace', amount: 40 } })
  @Allow()
  params?: unknown;
}

export class CreateBatchDto {
  @ApiProperty({
    type: [BatchItemDto],
    description: `1 to the configured batch limit (default ${DEFAULT_LIMITS.maxBatchSize}) instances. Ids that exist already, or repeat within the batch, are skipped.`,
  })
  // The maximum is the engine's configured limit: the engine checks it.
  @IsArray()
  @IsObject({ each: true })
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => BatchItemDto)
  instances!: BatchItemDto[];
}

export class BatchCreatedDto {
  @ApiProperty({ type: [InstanceRefDto], description: 'The instances created; skipped ids are left out.' })
  instances!: InstanceRefDto[];
}
