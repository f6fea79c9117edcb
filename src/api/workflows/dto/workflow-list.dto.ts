import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { WorkflowSummary } from '../../../engine/workflows-api';

export class WorkflowSummaryDto implements WorkflowSummary {
  @ApiProperty({ example: 'approval' })
  name!: string;

  @ApiPropertyOptional({ example: 'Waits up to 1 hour for an "approval" event, then pays out.' })
  description?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "The JSON Schema of the workflow's params, when it has one (given with the definition, or described by its params class).",
    example: { type: 'object', properties: { requester: { type: 'string', minLength: 1 }, amount: { type: 'number', exclusiveMinimum: 0 } }, required: ['requester', 'amount'] },
  })
  paramsSchema?: Record<string, unknown>;
}

export class WorkflowListDto {
  @ApiProperty({ type: [WorkflowSummaryDto] })
  workflows!: WorkflowSummaryDto[];
}
