import type { ErrorEnvelope } from '../errors/error-envelope';
import type { ApiErrorCode } from '../errors/error-status';

/** The answers the OpenAPI document shows as examples, each a real answer of the API. */
export interface ApiExamples {
  responses: {
    workflows: unknown;
    list: unknown;
    create: unknown;
    batch: unknown;
    /** An instance waiting for an event. */
    waiting: unknown;
    /** A finished instance, with its output. */
    complete: unknown;
    history: unknown;
    pause: unknown;
    resume: unknown;
    restart: unknown;
    terminate: unknown;
    delete: unknown;
    sent: unknown;
    tick: unknown;
  };
  /** One real refusal for each code a route answers with. */
  errors: Record<Exclude<ApiErrorCode, 'REQUEST_TIMEOUT' | 'REQUEST_HEADERS_TOO_LARGE'>, ErrorEnvelope>;
}
