import { applyDecorators } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

export const ApiWorkflowNameParam = () =>
  ApiParam({ name: 'workflowName', description: 'A registered workflow name.', example: 'approval' });

export const ApiInstanceParams = () =>
  applyDecorators(
    ApiWorkflowNameParam(),
    ApiParam({
      name: 'instanceId',
      description: 'Instance id: 1-100 characters of letters, digits, `_` and `-`, not starting with `-`.',
      example: 'req-1',
    }),
  );
