import { InitialSchema1795934710392 } from './1795934710392-initial-schema';

/** In order; generated with `npm run migration:generate` against SQLite. */
export const sqliteMigrations = [InitialSchema1795934710392];
