import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
import { DEFAULT_LIMITS } from '../../../engine/limits';
import { DEFAULT_PAGE_SIZE } from '../../../engine/queries/page-rules';
import { toInteger } from '../../../common/value-transforms';
import { INSTANCE_STATUSES, type InstanceStatus } from '../../../engine/model';

export class PageSizeQueryDto {
  // The maximum is the engine's configured limit (100 unless set otherwise): the engine checks it.
  @ApiPropertyOptional({
    minimum: 1,
    default: DEFAULT_PAGE_SIZE,
    description: `At most the configured page limit (default ${DEFAULT_LIMITS.maxPageSize}). Without it, a cursor's own page size, else ${DEFAULT_PAGE_SIZE}.`,
  })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  pageSize?: number;
}

export class ListInstancesQueryDto extends PageSizeQueryDto {
  @ApiPropertyOptional({ enum: INSTANCE_STATUSES })
  @IsOptional()
  @IsIn(INSTANCE_STATUSES)
  status?: InstanceStatus;

  @ApiPropertyOptional({ description: 'The `cursor` of the previous page (same filters). It carries its page size: `pageSize` is only needed to change it.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  cursor?: string;
}
