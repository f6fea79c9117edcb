import { InitialSchema1795934709626 } from './1795934709626-initial-schema';

/** In order; generated with `npm run migration:generate` against PostgreSQL. */
export const postgresMigrations = [InitialSchema1795934709626];
