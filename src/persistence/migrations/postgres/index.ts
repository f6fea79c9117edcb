import { InitialSchema1795934709626 } from './1795934709626-initial-schema';
import { TaskPauseRequested1795937119915 } from './1795937119915-task-pause-requested';
import { QueueAutovacuum1795938000000 } from './1795938000000-queue-autovacuum';
import { Settings1796162680635 } from './1796162680635-settings';
import { ZeroBasedRunNumbers1796200000000 } from './1796200000000-zero-based-run-numbers';
import { InstanceTraceParent1796300000000 } from './1796300000000-instance-trace-parent';
import { InstanceCompletedIndex1796400000000 } from './1796400000000-instance-completed-index';
import { ChildWorkflows1796500000000 } from './1796500000000-child-workflows';

/** In order; schema changes generated with `npm run migration:generate` against PostgreSQL, storage settings and data changes by hand. */
export const postgresMigrations = [
  InitialSchema1795934709626,
  TaskPauseRequested1795937119915,
  QueueAutovacuum1795938000000,
  Settings1796162680635,
  ZeroBasedRunNumbers1796200000000,
  InstanceTraceParent1796300000000,
  InstanceCompletedIndex1796400000000,
  ChildWorkflows1796500000000,
];
