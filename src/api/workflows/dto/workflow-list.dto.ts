import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { WorkflowSummary } from '../../../engine/workflows-api';

export class WorkflowSummaryDto implements WorkflowSummary {
  @ApiProperty({ example: 'approval' })
  name!: string;

  @ApiPropertyOptional({ example: 'Waits up to 1 hour for an "approval" event, then pays out.' })
  description?: string;
}

export class WorkflowListDto {
  @ApiProperty({ type: [WorkflowSummaryDto] })
  workflows!: WorkflowSummaryDto[];
}
