import { Logger } from '@nestjs/common';
import type { EngineLogger } from '../engine/ports/logger';

/** The engine's operational messages, through Nest's logger. */
export function nestEngineLogger(context = 'WorkflowsEngine'): EngineLogger {
  const logger = new Logger(context);
  const format = (message: string, details?: Record<string, unknown>) => (details ? `${message} ${JSON.stringify(details)}` : message);
  return {
    debug: (message, details) => logger.debug(format(message, details)),
    info: (message, details) => logger.log(format(message, details)),
    warn: (message, details) => logger.warn(format(message, details)),
    error: (message, details) => logger.error(format(message, details)),
  };
}
