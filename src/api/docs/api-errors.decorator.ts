import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { type ApiErrorCode, ERROR_STATUS } from '../errors/error-status';
import { API_EXAMPLES } from './api-examples.generated';
import { ErrorEnvelopeDto } from './error-envelope.dto';

type DocumentedCode = keyof typeof API_EXAMPLES.errors;

/**
 * Documents the error responses a route can give, grouped by status, each code with a real
 * answer as its example. Every route can also be refused by authorization, and can fail.
 */
export function ApiErrors(...codes: DocumentedCode[]) {
  const byStatus = new Map<number, DocumentedCode[]>();
  for (const code of new Set<DocumentedCode>([...codes, 'UNAUTHORIZED', 'FORBIDDEN', 'DATABASE_UNAVAILABLE', 'INTERNAL_ERROR'])) {
    const status = ERROR_STATUS[code as ApiErrorCode];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, group]) =>
      ApiResponse({
        status,
        type: ErrorEnvelopeDto,
        description: group.map((code) => `\`${code}\``).join(', '),
        examples: Object.fromEntries(group.map((code) => [code, { summary: code, value: API_EXAMPLES.errors[code] }])),
      }),
    ),
  );
}
