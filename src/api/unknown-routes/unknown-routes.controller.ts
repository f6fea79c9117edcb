import { All, Controller, Req, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { WorkflowsExceptionFilter } from '../errors/workflows-exception.filter';
import { HttpApiError } from '../http-server/http-error-codes';

/**
 * Every path under the base path that no route of the API matches (a switched-off route group
 * among them): 404 ROUTE_NOT_FOUND in the envelope, as the standalone server answers it, also in
 * a host application whose own filters would answer it in their format. Mounted after the route
 * groups, so it only sees what they left. It runs no guard: no authorization hook is asked
 * about a route that does not exist.
 */
@ApiExcludeController()
@Controller()
@UseFilters(WorkflowsExceptionFilter)
export class UnknownRoutesController {
  @All(['', '{*path}'])
  noRoute(@Req() request: Request): never {
    throw new HttpApiError('ROUTE_NOT_FOUND', `No route ${request.method} ${request.path}`);
  }
}
