import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { MAX_JSON_DEPTH, jsonDepth } from '../../common/json-depth';
import { flattenIssues } from '../../common/validation-issues';
import { EngineError } from '../../engine/errors';

/**
 * Bodies and queries are validated against their DTOs: unknown fields are rejected, values are
 * converted only by the DTOs' explicit transforms, and a failure is a VALIDATION_ERROR listing
 * every issue. Input nested deeper than MAX_JSON_DEPTH is refused first: class-transformer walks
 * free-form values (params, payloads) recursively and would overflow the stack.
 */
class WorkflowsValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => invalid(flattenIssues(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
      throw invalid([`${metadata.type} nests deeper than ${MAX_JSON_DEPTH} levels`]);
    }
    return super.transform(value, metadata);
  }
}

function invalid(issues: string[]): EngineError {
  return new EngineError('VALIDATION_ERROR', 'The request is not valid', { issues });
}

export const workflowsValidationPipe = new WorkflowsValidationPipe();
