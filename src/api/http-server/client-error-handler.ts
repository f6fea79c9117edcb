import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorEnvelope } from '../errors/error-envelope';

/**
 * Answers requests Node refuses before any route sees them (headers over its limit, a request
 * that did not arrive in time, bytes that are not HTTP) in the error envelope, where Node would
 * send a bare status line with an empty body.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, body] = envelopeFor(error.code);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

function envelopeFor(code: string | undefined): [number, ErrorEnvelope] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, { message: 'The request line and headers must be under 16 KiB', code: 'REQUEST_HEADERS_TOO_LARGE' }];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, { message: 'The request did not arrive in full in time', code: 'REQUEST_TIMEOUT' }];
    default:
      return [400, { message: 'Malformed HTTP request', code: 'VALIDATION_ERROR' }];
  }
}
