import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { type ApiErrorCode, ERROR_STATUS } from '../errors/error-status';
import { ErrorEnvelopeDto } from './error-envelope.dto';

/** Documents the error responses a route can give, grouped by status, each with its codes. */
export function ApiErrors(...codes: ApiErrorCode[]) {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of [...codes, 'INTERNAL_ERROR' as const]) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, group]) =>
      ApiResponse({
        status,
        type: ErrorEnvelopeDto,
        description: group.map((code) => `\`${code}\``).join(', '),
        example: { message: exampleMessage(group[0]), code: group[0] },
      }),
    ),
  );
}

function exampleMessage(code: ApiErrorCode): string {
  return code === 'INTERNAL_ERROR' ? 'Internal server error' : code.toLowerCase().replace(/_/g, ' ');
}
