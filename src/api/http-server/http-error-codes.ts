/**
 * Codes only the HTTP layer answers with, for requests that never reach a route: the engine's
 * codes are in `EngineErrorCode`.
 */
export const HTTP_ERROR_STATUS = {
  /** The request line and headers are over Node's limit (16 KiB). */
  REQUEST_HEADERS_TOO_LARGE: 431,
  /** The request did not arrive in full within the server's request timeout. */
  REQUEST_TIMEOUT: 408,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;
