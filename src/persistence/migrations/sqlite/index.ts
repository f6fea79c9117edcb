import { InitialSchema1795934710392 } from './1795934710392-initial-schema';
import { TaskPauseRequested1795937121324 } from './1795937121324-task-pause-requested';
import { Settings1796162682358 } from './1796162682358-settings';
import { ZeroBasedRunNumbers1796200000001 } from './1796200000001-zero-based-run-numbers';
import { InstanceTraceParent1796300000001 } from './1796300000001-instance-trace-parent';
import { InstanceCompletedIndex1796400000001 } from './1796400000001-instance-completed-index';
import { ChildWorkflows1796500000001 } from './1796500000001-child-workflows';

/** In order; schema changes generated with `npm run migration:generate` against SQLite, data changes by hand. */
export const sqliteMigrations = [
  InitialSchema1795934710392,
  TaskPauseRequested1795937121324,
  Settings1796162682358,
  ZeroBasedRunNumbers1796200000001,
  InstanceTraceParent1796300000001,
  InstanceCompletedIndex1796400000001,
  ChildWorkflows1796500000001,
];
