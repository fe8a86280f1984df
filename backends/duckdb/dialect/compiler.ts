import { PostgresQueryCompiler } from 'kysely';

/**
 * Compiles Kysely queries to DuckDB SQL. DuckDB's parser is PostgreSQL's, so the PostgreSQL
 * compiler's output (`$1` placeholders, double-quoted identifiers, `on conflict`, `returning`)
 * runs as is; nothing needed overriding. What DuckDB lacks fails at run time with DuckDB's own
 * message: row locks (`for update`), `auto_increment` / identity columns (use a sequence).
 *
 * @internal
 */
export class DuckDBQueryCompiler extends PostgresQueryCompiler {}
