import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

interface ColumnRow {
  table_schema: string;
  table_name: string;
  table_type: string;
  column_name: string;
  data_type: string;
  is_nullable: string;
  column_default: string | null;
  column_comment: string | null;
}

/**
 * Reads schemas, tables, views and their columns from DuckDB's `information_schema`, limited
 * to the current database (not the attached ones, nor `temp` and `system`). A column counts as
 * auto-incrementing when its default draws from a sequence (`nextval(...)`), DuckDB's only way.
 *
 * @internal
 */
export class DuckDBIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
  }

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ schema_name: string }>`
      select schema_name from information_schema.schemata
      where catalog_name = current_database()
      order by schema_name`.execute(this.#db);
    return rows.map((row) => ({ name: row.schema_name }));
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const internal = [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE];
    const skipInternal = options.withInternalKyselyTables
      ? sql``
      : sql`and c.table_name not in (${sql.join(internal)})`;
    const { rows } = await sql<ColumnRow>`
      select c.table_schema, c.table_name, t.table_type, c.column_name, c.data_type,
        c.is_nullable, c.column_default, c.column_comment as column_comment
      from information_schema.columns c
      join information_schema.tables t
        on t.table_catalog = c.table_catalog
        and t.table_schema = c.table_schema
        and t.table_name = c.table_name
      where c.table_catalog = current_database()
        ${skipInternal}
      order by c.table_schema, c.table_name, c.ordinal_position`.execute(this.#db);
    return groupColumns(rows);
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

function groupColumns(rows: readonly ColumnRow[]): TableMetadata[] {
  const tables = new Map<string, TableMetadata>();
  for (const row of rows) {
    const key = JSON.stringify([row.table_schema, row.table_name]);
    let table = tables.get(key);
    if (table === undefined) {
      table = {
        name: row.table_name,
        schema: row.table_schema,
        isView: row.table_type === 'VIEW',
        columns: [],
      };
      tables.set(key, table);
    }
    table.columns.push({
      name: row.column_name,
      dataType: row.data_type,
      isNullable: row.is_nullable === 'YES',
      hasDefaultValue: row.column_default !== null,
      isAutoIncrementing: row.column_default?.startsWith('nextval(') ?? false,
      ...(row.column_comment === null ? {} : { comment: row.column_comment }),
    });
  }
  return [...tables.values()];
}
