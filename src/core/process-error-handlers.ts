import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { toErrorInfo } from '../engine/errors';
import { currentExecutionScope } from '../engine/execution-scope';
import { WORKFLOWS_OPTIONS, type ResolvedWorkflowsOptions } from '../workflows-module-options';

/**
 * Process-level handlers for errors that escape workflow code: a promise it left to reject with
 * nobody listening, or a throw in a timer callback. Either is logged, with the instance, run and
 * step it came from, and the process goes on serving. An exception thrown outside any workflow's
 * code is a fault of the process itself: it is logged and the process exits, as Node would.
 *
 * Installed only when the module options ask for it (the standalone server does): inside a host
 * application, what happens to its process is the host's decision.
 */
@Injectable()
export class ProcessErrorHandlers implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('WorkflowsProcess');
  private readonly onRejection = (reason: unknown) => this.report('Unhandled promise rejection', reason);
  private readonly onException = (error: unknown) => {
    if (this.report('Uncaught exception', error)) return;
    // Past this point the process's own state may be broken; a supervisor restarts it.
    process.exit(1);
  };

  constructor(@Inject(WORKFLOWS_OPTIONS) private readonly options: ResolvedWorkflowsOptions) {}

  onModuleInit(): void {
    if (!this.options.installProcessErrorHandlers) return;
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
  }

  onApplicationShutdown(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
  }

  /** Logs the error; true when it came from workflow code. */
  private report(what: string, error: unknown): boolean {
    const scope = currentExecutionScope();
    const { name, message } = toErrorInfo(error);
    if (!scope) {
      this.logger.error(`${what} outside workflow code: ${name}: ${message}`, error instanceof Error ? error.stack : undefined);
      return false;
    }
    const where = `${scope.workflowName}/${scope.instanceId} run ${scope.runNumber}${scope.stepName ? ` step "${scope.stepName}" attempt ${scope.attempt}` : ''}`;
    this.logger.error(`${what} from workflow code (${where}): ${name}: ${message}`);
    return true;
  }
}
