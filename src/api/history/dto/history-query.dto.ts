import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { toBoolean, toInteger } from '../../../common/value-transforms';
import { LOG_LEVELS, type LogLevel } from '../../../engine/definition/types';
import { PageSizeQueryDto } from '../../instances/dto/list-instances.query.dto';

export class HistoryQueryDto extends PageSizeQueryDto {
  @ApiPropertyOptional({ minimum: 0, description: "Which run: 0 is the first (default: the run the cursors page, else the current one). A later run than the current one is empty." })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  runNumber?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: "Newest first by default. A cursor's own order wins over this." })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1)
  stepsCursor?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1)
  eventsCursor?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1)
  logsCursor?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Logs are only returned when true.' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  includeLogs?: boolean;

  @ApiPropertyOptional({ enum: LOG_LEVELS, description: 'That level and more severe ones.' })
  @IsOptional()
  @IsIn(LOG_LEVELS)
  logLevel?: LogLevel;

  @ApiPropertyOptional({
    example: 'workflow',
    description: '`workflow`, `system` or a category of your own; matched as stored (categories are kept to 64 characters).',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  logCategory?: string;
}
