import { AsyncLocalStorage } from 'node:async_hooks';

/** Which step attempt the current async call chain belongs to, so log lines can say so. */
export interface StepScope {
  stepName: string;
  attempt: number;
}

export const stepScope = new AsyncLocalStorage<StepScope>();
