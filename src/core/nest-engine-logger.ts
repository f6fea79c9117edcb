import { Logger } from '@nestjs/common';
import type { EngineLogger } from '../engine/ports/logger';

/**
 * The engine's operational messages, through Nest's logger. The details are the line's
 * structured fields (`{ msg, ...details }`, as nestjs-pino and the standalone server read them).
 */
export function nestEngineLogger(context = 'WorkflowsEngine'): EngineLogger {
  const logger = new Logger(context);
  const line = (message: string, details?: Record<string, unknown>) => ({ msg: message, ...details });
  return {
    debug: (message, details) => logger.debug(line(message, details)),
    info: (message, details) => logger.log(line(message, details)),
    warn: (message, details) => logger.warn(line(message, details)),
    error: (message, details) => logger.error(line(message, details)),
  };
}
