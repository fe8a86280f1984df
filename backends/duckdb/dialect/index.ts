export { DuckDBAdapter } from './adapter.js';
export {
  type DuckDBAppendColumn,
  DuckDBAppendRequest,
  type DuckDBAppendTarget,
  type DuckDBAppendType,
  duckdbAppendQuery,
} from './append.js';
export { DuckDBQueryCompiler } from './compiler.js';
export { DuckDBDatabaseConnection } from './connection.js';
export {
  DuckDBDialect,
  type DuckDBDialectConfig,
  type DuckDBInstanceDialectConfig,
  type DuckDBPathDialectConfig,
} from './dialect.js';
export { DuckDBDriver, type DuckDBDriverConfig } from './driver.js';
export { DuckDBIntrospector } from './introspector.js';
