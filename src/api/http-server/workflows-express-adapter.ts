import { createServer } from 'node:http';
import type { NestApplicationOptions } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import { answerClientError } from './client-error-handler';

export interface HttpTimeouts {
  /** How long the request line and headers may take to arrive. */
  headersTimeoutMs: number;
  /** How long the whole request (body included) may take to arrive. */
  requestTimeoutMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/**
 * Express under Nest with an HTTP server that gives up on requests that never finish arriving
 * (Node's default holds such a connection for 5 minutes) and answers malformed ones in the error
 * envelope. Node checks the timeouts every `connectionsCheckingInterval`, set here to a fraction
 * of the shorter one so that they hold to within about a tenth.
 */
export class WorkflowsExpressAdapter extends ExpressAdapter {
  constructor(private readonly timeouts: HttpTimeouts = DEFAULT_HTTP_TIMEOUTS) {
    super();
  }

  override initHttpServer(options: NestApplicationOptions): void {
    if (options?.httpsOptions) {
      super.initHttpServer(options);
      return;
    }
    const { headersTimeoutMs, requestTimeoutMs } = this.timeouts;
    const server = createServer(
      {
        headersTimeout: headersTimeoutMs,
        requestTimeout: requestTimeoutMs,
        connectionsCheckingInterval: Math.max(100, Math.min(headersTimeoutMs, requestTimeoutMs) / 10),
      },
      this.getInstance(),
    );
    server.on('clientError', answerClientError);
    this.httpServer = server;
  }
}
