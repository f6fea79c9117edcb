import { Client } from 'pg';

/** A direct connection to a test database, with the table the side-effects fixture writes to. */
export async function sideEffectsDatabase(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE IF NOT EXISTS test_side_effect (instance_id text NOT NULL, step int NOT NULL)');
  const count = async (sql: string, params: unknown[] = []) => Number((await client.query(sql, params)).rows[0].count);
  return {
    query: (sql: string, params: unknown[] = []) => client.query(sql, params),
    completed: () => count(`SELECT count(*) FROM workflow_instance WHERE status = 'complete'`),
    sideEffects: () => count('SELECT count(*) FROM test_side_effect'),
    /** Side effects that happened more than once: the sum over steps of (times run - 1). */
    duplicates: () =>
      count('SELECT COALESCE(sum(n - 1), 0) AS count FROM (SELECT count(*) AS n FROM test_side_effect GROUP BY instance_id, step) runs'),
    close: () => client.end(),
  };
}
