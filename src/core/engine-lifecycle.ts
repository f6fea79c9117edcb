import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { WorkflowStore } from '../engine/ports/store';
import type { DatabaseClock } from './database-clock';
import { ENGINE_CLOCK, WORKFLOW_STORE } from './tokens';

/**
 * Closes the database last: Nest runs every `beforeApplicationShutdown` (the runner's drain)
 * before any `onApplicationShutdown`, so nothing still needs the connection here.
 */
@Injectable()
export class EngineLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(WORKFLOW_STORE) private readonly store: WorkflowStore,
    @Inject(ENGINE_CLOCK) private readonly clock: DatabaseClock,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.clock.stop();
    await this.store.close();
  }
}
