import { HttpStatus } from '@nestjs/common';

/**
 * Codes only the HTTP layer answers with (authorization, routing, switched-off routes, requests
 * Node refuses before routing): the engine's own codes are in `EngineErrorCode`.
 */
export const HTTP_ERROR_STATUS = {
  UNAUTHORIZED: HttpStatus.UNAUTHORIZED,
  FORBIDDEN: HttpStatus.FORBIDDEN,
  ROUTE_NOT_FOUND: HttpStatus.NOT_FOUND,
  RUNNER_TICK_DISABLED: HttpStatus.FORBIDDEN,
  /** The request did not arrive in full within the server's request timeout. */
  REQUEST_TIMEOUT: HttpStatus.REQUEST_TIMEOUT,
  /** The request line and headers are over Node's limit (16 KiB). */
  REQUEST_HEADERS_TOO_LARGE: 431,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;

/** An error the HTTP layer answers with itself, in the envelope. */
export class HttpApiError extends Error {
  override readonly name = 'HttpApiError';

  constructor(
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
  }
}
