import { HttpStatus } from '@nestjs/common';
import type { EngineErrorCode } from '../../engine/errors';
import { HTTP_ERROR_STATUS, type HttpErrorCode } from '../http-server/http-error-codes';

/** Every engine code's HTTP status; the compiler insists each code has one. */
const ENGINE_ERROR_STATUS: Record<EngineErrorCode, HttpStatus> = {
  VALIDATION_ERROR: HttpStatus.BAD_REQUEST,
  INVALID_INSTANCE_ID: HttpStatus.BAD_REQUEST,
  INVALID_EVENT_TYPE: HttpStatus.BAD_REQUEST,
  INVALID_CURSOR: HttpStatus.BAD_REQUEST,
  WORKFLOW_PARAMS_INVALID: HttpStatus.BAD_REQUEST,
  WORKFLOW_NOT_FOUND: HttpStatus.NOT_FOUND,
  INSTANCE_NOT_FOUND: HttpStatus.NOT_FOUND,
  INSTANCE_ID_ALREADY_EXISTS: HttpStatus.CONFLICT,
  INSTANCE_TERMINAL: HttpStatus.CONFLICT,
  INSTANCE_NOT_TERMINAL: HttpStatus.CONFLICT,
  PAYLOAD_TOO_LARGE: HttpStatus.PAYLOAD_TOO_LARGE,
  DATABASE_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  INTERNAL_ERROR: HttpStatus.INTERNAL_SERVER_ERROR,
};

export type ApiErrorCode = EngineErrorCode | HttpErrorCode;

/** The status of every code the API answers with: the engine's and the HTTP layer's own. */
export const ERROR_STATUS: Record<ApiErrorCode, number> = { ...ENGINE_ERROR_STATUS, ...HTTP_ERROR_STATUS };

/** The code for an HTTP error that did not come from the engine (body parser, router, a hook). */
export function codeForStatus(status: number): string {
  switch (status) {
    case HttpStatus.BAD_REQUEST:
      return 'VALIDATION_ERROR';
    case HttpStatus.UNAUTHORIZED:
      return 'UNAUTHORIZED';
    case HttpStatus.FORBIDDEN:
      return 'FORBIDDEN';
    case HttpStatus.NOT_FOUND:
      return 'ROUTE_NOT_FOUND';
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return 'PAYLOAD_TOO_LARGE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : `HTTP_${status}`;
  }
}
