/** The body of every error response (SPEC 3.1). */
export interface ErrorEnvelope {
  message: string;
  code: string;
  details?: Record<string, unknown>;
}
