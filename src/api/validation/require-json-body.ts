import { BadRequestException } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';

/**
 * A request body that is not JSON would be skipped by the JSON parser and look like no body at
 * all; refuse it instead, so a client that sent form data or text learns why nothing happened.
 */
export function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const hasBody = Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !request.is(['application/json', 'application/*+json'])) {
    next(new BadRequestException('The request body must be JSON (Content-Type: application/json)'));
    return;
  }
  next();
}
