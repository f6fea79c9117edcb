import { AsyncResource } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';

/**
 * "A run became runnable now": raised by the engine on create, resume and matching events, heard
 * by the runner loop. It breaks the engine ↔ runner-loop construction cycle.
 */
@Injectable()
export class WakeSignal {
  private listeners: (() => void)[] = [];

  raise(): void {
    for (const listener of this.listeners) listener();
  }

  /**
   * The listener runs in the async context it was registered in, not the raiser's: otherwise the
   * runner loop, woken by a create request, would claim and run every due run (and arm its
   * timers) inside that request's context, and its trace span or request id would spread to
   * unrelated work.
   */
  listen(listener: () => void): () => void {
    const bound = AsyncResource.bind(listener);
    this.listeners.push(bound);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== bound);
    };
  }
}
