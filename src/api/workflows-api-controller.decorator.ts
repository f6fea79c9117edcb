import { applyDecorators, Controller, UseFilters, UsePipes } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { WorkflowsExceptionFilter } from './errors/workflows-exception.filter';
import { workflowsValidationPipe } from './validation/validation.pipe';

/**
 * A controller of the workflows API: its errors always come out in the envelope and its inputs
 * are validated, also when the module is mounted inside a host application with other settings.
 */
export function WorkflowsApiController(path: string, tag: string) {
  return applyDecorators(Controller(path), ApiTags(tag), UseFilters(WorkflowsExceptionFilter), UsePipes(workflowsValidationPipe));
}
