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

  listen(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}
