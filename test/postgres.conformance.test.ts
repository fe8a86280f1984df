import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, inject } from 'vitest';
import { postgres } from '../backends/postgres/index.js';
import { describeConformance } from '../src/testing/index.js';

const url = inject('pgUrl');
// One admin pool to drop each test's schema afterwards.
const admin = new pg.Pool({ connectionString: url, max: 2 });
afterAll(() => admin.end());
const schemas = new WeakMap<object, string>();

describeConformance({
  name: 'postgres',
  create: () => {
    const schema = `qlt_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const backend = postgres({ connectionString: url, max: 20 }, { schema });
    schemas.set(backend, schema);
    return backend;
  },
  destroy: async (backend) => {
    const schema = schemas.get(backend);
    if (schema) await admin.query(`drop schema if exists "${schema}" cascade`);
  },
});
