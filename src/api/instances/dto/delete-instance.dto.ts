import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { toBoolean } from '../../../common/value-transforms';
import type { DeletedInstance } from '../../../engine/lifecycle/delete-instance';

export class DeleteInstanceQueryDto {
  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Terminate the instance first when it has not finished (otherwise 409 `INSTANCE_NOT_TERMINAL`).',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force?: boolean;
}

export class DeletedInstanceDto implements DeletedInstance {
  @ApiProperty({ example: true })
  ok!: true;

  @ApiProperty({ example: 'req-1' })
  id!: string;

  @ApiProperty({ example: true })
  deleted!: true;
}
