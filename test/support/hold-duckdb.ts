/**
 * Holds a DuckDB file open (and so its write lock) until stdin closes, printing "ready" once it
 * does. Usage: node --import tsx hold-duckdb.ts <path>
 */
import { DuckDBInstance } from '@duckdb/node-api';

const instance = await DuckDBInstance.create(process.argv[2] as string);
const connection = await instance.connect();
await connection.run('create table if not exists held (x integer)');
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => {
  connection.closeSync();
  instance.closeSync();
  process.exit(0);
});
