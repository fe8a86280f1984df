import { duckdb } from '../backends/duckdb/index.js';
import { describeConformance } from '../src/testing/index.js';

describeConformance({ name: 'duckdb', create: () => duckdb({ path: ':memory:' }) });
