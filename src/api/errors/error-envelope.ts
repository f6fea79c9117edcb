/** The body of every error response (docs/http-api.md, Errors). */
export interface ErrorEnvelope {
  message: string;
  code: string;
  details?: Record<string, unknown>;
}
