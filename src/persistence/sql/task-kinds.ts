import type { TaskKind } from '../../engine/model';

/**
 * How a queue row's kind is stored. Claims order by it: resuming work (a wake-up, a retry, a
 * resume) goes before new instances, so the smaller number is the more urgent kind.
 */
export const TASK_KINDS: Record<TaskKind, number> = { resume: 0, new: 1 };

export function taskKindOf(stored: unknown): TaskKind {
  return Number(stored) === TASK_KINDS.resume ? 'resume' : 'new';
}
