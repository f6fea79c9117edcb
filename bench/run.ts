import { runThroughput } from './workloads/w1-throughput';

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const results = [];
  if (!only.length || only.includes('w1')) {
    results.push(await runThroughput({ label: 'W1 PostgreSQL, 1 process', database: 'postgres', instances: 2000 }));
  }
  console.table(results);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
