import { DataSource } from 'typeorm';
import { dataSourceOptions } from './src/persistence/data-source-options';

/**
 * The DataSource the typeorm CLI uses (`npm run migration:generate -- <path>`, `npm run
 * migration:run`); it reads DATABASE_URL like the server does.
 */
export default new DataSource(dataSourceOptions({ url: process.env.DATABASE_URL }));
