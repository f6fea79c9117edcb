import { InitialSchema1795934709626 } from './1795934709626-initial-schema';
import { TaskPauseRequested1795937119915 } from './1795937119915-task-pause-requested';

/** In order; generated with `npm run migration:generate` against PostgreSQL. */
export const postgresMigrations = [InitialSchema1795934709626, TaskPauseRequested1795937119915];
