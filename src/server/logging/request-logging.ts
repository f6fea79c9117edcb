import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A caller's own request id is kept when it is short and plain (it goes into logs and a header). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The caller's `X-Request-Id` when sane, else a new one; echoed in the response's `X-Request-Id`. */
export function requestIdOf(request: IncomingMessage, response: ServerResponse): string {
  const given = request.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export interface RequestLoggingOptions {
  logger: Logger;
  /** Add request and response bodies (params, outputs, event payloads) to the line (LOG_PAYLOADS). */
  payloads: boolean;
}

/**
 * One line per request, when its response is finished: method, URL, status, time taken and the
 * request id (`reqId`). Headers are never logged (so neither is `Authorization`); the bodies
 * (`requestBody`, `responseBody`) only with `payloads`. 5xx answers are logged at error, the rest at info.
 */
export function requestLogging({ logger, payloads }: RequestLoggingOptions): RequestHandler[] {
  const log = pinoHttp({
    logger: logger.child({ context: 'HttpRequest' }),
    genReqId: requestIdOf,
    quietReqLogger: true,
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (request, response) => `${request.method} ${(request as Request).originalUrl ?? request.url} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${(request as Request).originalUrl ?? request.url} ${response.statusCode}`,
    serializers: {
      req: (request: { method: string; url: string; remoteAddress?: string }) => ({ method: request.method, url: request.url, remoteAddress: request.remoteAddress }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    // Bodies are read when the response is finished: the request's is parsed by then.
    customSuccessObject: (request, response, line: object) => (payloads ? withBodies(line, request as Request, response as Response) : line),
    customErrorObject: (request, response, _error, line: object) => (payloads ? withBodies(line, request as Request, response as Response) : line),
  });
  return payloads ? [log, keepResponseBody] : [log];
}

function withBodies(line: object, request: Request, response: Response): object {
  return { ...line, requestBody: request.body as unknown, responseBody: response.locals.loggedBody as unknown };
}

/** Keeps what the handler answered with for the request line (only with LOG_PAYLOADS). */
const keepResponseBody: RequestHandler = (_request, response, next) => {
  const json = response.json.bind(response);
  response.json = (body: unknown) => {
    response.locals.loggedBody = body;
    return json(body);
  };
  next();
};
