import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { findJsonProblem, MAX_JSON_DEPTH } from '../../common/json-depth';
import { flattenIssues } from '../../common/validation-issues';
import { EngineError } from '../../engine/errors';

/**
 * Bodies and queries are validated against their DTOs: unknown fields are rejected, values are
 * converted only by the DTOs' explicit transforms, and a failure is a VALIDATION_ERROR listing
 * every issue. Input nested deeper than MAX_JSON_DEPTH, or holding a prototype key, is refused
 * first: class-transformer walks free-form values (params, payloads) recursively and would
 * overflow the stack, and it skips `__proto__`-like keys instead of reporting them.
 */
class WorkflowsValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      // Off so that the empty NoQueryDto/NoBodyDto validate; whitelisting still rejects every field they lack.
      forbidUnknownValues: false,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      validationError: { target: false, value: false },
      exceptionFactory: (errors) => invalid(flattenIssues(errors)),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problem = findJsonProblem(value);
    if (problem?.kind === 'tooDeep') throw invalid([`${metadata.type} nests deeper than ${MAX_JSON_DEPTH} levels`]);
    if (problem?.kind === 'prototypeKey') throw invalid([`${metadata.type} must not contain the key "${problem.key}"`]);
    return super.transform(value, metadata);
  }
}

function invalid(issues: string[]): EngineError {
  return new EngineError('VALIDATION_ERROR', 'The request is not valid', { issues });
}

export const workflowsValidationPipe = new WorkflowsValidationPipe();
