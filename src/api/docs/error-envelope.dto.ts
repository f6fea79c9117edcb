import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ErrorEnvelopeDto {
  @ApiProperty({ example: 'Instance "order-1" of workflow "order" not found' })
  message!: string;

  @ApiProperty({ example: 'INSTANCE_NOT_FOUND', description: 'Stable machine-readable code (see docs/http-api.md, Errors).' })
  code!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'More about the error, e.g. `issues` for validation errors, `index` for batch items, `errorId` for faults.',
  })
  details?: Record<string, unknown>;
}
