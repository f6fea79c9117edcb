import { type ExecutionContext, type LoggerService } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import request from 'supertest';
import { eventually } from '../../support/async';
import { ONE_DATABASE } from '../../support/databases';
import { createTestApp } from '../../support/test-app';
import type { WorkflowsModuleOptions } from '../../../src/workflows-module-options';
import { defineWorkflow } from '../../../src/engine';

/**
 * The audit trail inside a host application: management actions logged through the host's own
 * logger (`app.useLogger`), with the principal the authorization hooks returned, the `user` the
 * host's guard set, or "anonymous".
 */

const waiter = defineWorkflow({ name: 'waiter' }, async (_event, step) => {
  await step.waitForEvent('decision', { type: 'decision', timeout: '1 hour' });
});

/** A host's logger: keeps what it is given, as Nest gives it. */
class CapturingLogger implements LoggerService {
  readonly lines: { level: string; message: unknown; context: unknown }[] = [];
  log = (message: unknown, ...params: unknown[]) => this.keep('log', message, params);
  error = (message: unknown, ...params: unknown[]) => this.keep('error', message, params);
  warn = (message: unknown, ...params: unknown[]) => this.keep('warn', message, params);
  debug = (message: unknown, ...params: unknown[]) => this.keep('debug', message, params);

  private keep(level: string, message: unknown, params: unknown[]) {
    this.lines.push({ level, message, context: params[params.length - 1] });
  }

  audit() {
    return this.lines.filter((line) => line.context === 'WorkflowsAudit').map((line) => ({ level: line.level, ...(line.message as object) }));
  }
}

describe.each(ONE_DATABASE)('audit trail through the host logger (%s)', (kind) => {
  async function pauseWith(options: WorkflowsModuleOptions) {
    const app = await createTestApp(kind, { workflows: [waiter], ...options });
    const logger = new CapturingLogger();
    app.app.useLogger(logger);
    try {
      await app.client.create('waiter', { id: 'w-1' });
      await eventually(async () => (await app.client.get('waiter', 'w-1')).details.status === 'waiting');
      await request(app.http).post('/api/workflows/workflows/waiter/instances/w-1/pause').expect(200);
      return logger.audit();
    } finally {
      await app.close();
    }
  }

  it('the principal an authorization hook returned', async () => {
    const audit = await pauseWith({ authorization: { authorizeRequest: () => ({ principal: 'alice' }) } });
    expect(audit).toEqual([
      { level: 'log', msg: 'Audit: pause waiter/w-1 by alice', audit: true, action: 'pause', workflowName: 'waiter', instanceId: 'w-1', principal: 'alice', outcome: 'ok' },
    ]);
  });

  it('the route hook may name a narrower principal than authorizeRequest', async () => {
    const audit = await pauseWith({
      authorization: { authorizeRequest: () => ({ principal: 'alice' }), authorizeManagement: ({ action }) => ({ principal: `alice as ${action}er` }) },
    });
    expect(audit).toMatchObject([{ principal: 'alice as pauseer' }]);
  });

  it("the user the host's own guard put on the request", async () => {
    const hostGuard = {
      canActivate(execution: ExecutionContext) {
        execution.switchToHttp().getRequest<{ user?: unknown }>().user = { id: 'user-42', roles: ['ops'] };
        return true;
      },
    };
    const audit = await pauseWith({ providers: [{ provide: APP_GUARD, useValue: hostGuard }] });
    expect(audit).toMatchObject([{ principal: 'user-42', action: 'pause', outcome: 'ok' }]);
  });

  it('"anonymous" when nothing says who it is', async () => {
    expect(await pauseWith({})).toMatchObject([{ principal: 'anonymous' }]);
  });
});
