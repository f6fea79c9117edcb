import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { toInteger } from '../../../common/value-transforms';
import { INSTANCE_STATUSES, type InstanceStatus } from '../../../engine/model';

export class PageSizeQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 25 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(100)
  pageSize?: number;
}

export class ListInstancesQueryDto extends PageSizeQueryDto {
  @ApiPropertyOptional({ enum: INSTANCE_STATUSES })
  @IsOptional()
  @IsIn(INSTANCE_STATUSES)
  status?: InstanceStatus;

  @ApiPropertyOptional({ description: 'The `cursor` of the previous page (same filters).' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  cursor?: string;
}
