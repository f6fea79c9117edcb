import { ValidationPipe } from '@nestjs/common';
import { flattenIssues } from '../../common/validation-issues';
import { EngineError } from '../../engine/errors';

/**
 * Bodies and queries are validated against their DTOs: unknown fields are rejected, values are
 * converted only by the DTOs' explicit transforms, and a failure is a VALIDATION_ERROR listing
 * every issue.
 */
export const workflowsValidationPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  validationError: { target: false, value: false },
  exceptionFactory: (errors) =>
    new EngineError('VALIDATION_ERROR', 'The request is not valid', { issues: flattenIssues(errors) }),
});
