import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { EngineError } from '../../engine/errors';
import { StoreDataError } from '../../engine/ports/store-errors';
import { HttpApiError } from '../http-server/http-error-codes';
import type { ErrorEnvelope } from './error-envelope';
import { codeForStatus, ERROR_STATUS } from './error-status';

/** How long a client should wait before trying again while the database is away. */
const RETRY_AFTER_SECONDS = 2;

/**
 * Turns every error into the `{ message, code, details? }` envelope: engine errors by their code,
 * HTTP errors (body parser, router, authorization hooks) by their status, anything else into a
 * 500 whose body names only an error id, the details going to the log under that id.
 */
@Catch()
export class WorkflowsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WorkflowsApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const response = http.getResponse<Response>();
    const request = http.getRequest<Request>();
    const [status, body] = this.envelope(exception, request);
    if (response.headersSent) return;
    if (body.code === 'DATABASE_UNAVAILABLE') response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    response.status(status).json(body);
  }

  private envelope(exception: unknown, request: Request): [number, ErrorEnvelope] {
    if (exception instanceof EngineError && exception.code === 'DATABASE_UNAVAILABLE') {
      this.logger.warn(`${request.method} ${request.originalUrl}: database unavailable (${String((exception.cause as Error | undefined)?.message ?? 'no detail')})`);
    }
    if (exception instanceof StoreDataError) {
      // Only values of the request reach the database from an API call.
      return [HttpStatus.BAD_REQUEST, { message: 'The database refused a value of this request', code: 'VALIDATION_ERROR', details: { issues: [exception.message] } }];
    }
    if (exception instanceof HttpApiError) return [ERROR_STATUS[exception.code], { message: exception.message, code: exception.code }];
    if (exception instanceof EngineError) {
      const body: ErrorEnvelope = { message: exception.message, code: exception.code };
      if (exception.details) body.details = exception.details;
      return [ERROR_STATUS[exception.code], body];
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      // The body parser refuses an unknown Content-Encoding with 415, a status the API does not use.
      const status = exception.getStatus() === HttpStatus.UNSUPPORTED_MEDIA_TYPE ? HttpStatus.BAD_REQUEST : exception.getStatus();
      return [status, { message: this.httpMessage(exception, request), code: codeForStatus(status) }];
    }
    const errorId = String(request.headers['x-request-id'] ?? randomUUID());
    this.logger.error(
      `Unexpected error ${errorId} on ${request.method} ${request.originalUrl}`,
      exception instanceof Error ? exception.stack : String(exception),
    );
    return [HttpStatus.INTERNAL_SERVER_ERROR, { message: 'Internal server error', code: 'INTERNAL_ERROR', details: { errorId } }];
  }

  private httpMessage(exception: HttpException, request: Request): string {
    if (exception.getStatus() === HttpStatus.NOT_FOUND && /^Cannot /.test(exception.message)) {
      return `No route ${request.method} ${request.path}`;
    }
    if (exception.cause instanceof SyntaxError) return 'Malformed JSON in the request body';
    if (exception.getStatus() === HttpStatus.PAYLOAD_TOO_LARGE) return 'The request body is over the size limit';
    if (exception.cause instanceof URIError) return 'Malformed percent-encoding in the URL';
    const response = exception.getResponse();
    const message = typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  }
}
