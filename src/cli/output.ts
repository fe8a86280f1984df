/**
 * Output of the `quantlab` command: JSON for scripts (`--json`), and plain tables for people
 * (cli-table3 without borders, columns two spaces apart, so `grep` and `awk` work too). Values
 * are formatted the same way everywhere: dates in UTC, numbers to six significant digits,
 * missing values as `-`, control characters escaped.
 *
 * @module
 */
import Table from 'cli-table3';

/** One column of {@link formatTable}: its header and how to get a row's cell. */
export interface Column<Row> {
  readonly header: string;
  readonly value: (row: Row) => unknown;
  /** Numbers read best right-aligned. Default `left`. */
  readonly align?: 'left' | 'right';
}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

/**
 * Rows as a table with a header line, each cell formatted with {@link formatValue}; no trailing
 * spaces. Ends with a newline.
 *
 * @example
 * ```ts
 * formatTable([{ n: 'a', v: 1 }], [{ header: 'NAME', value: (r) => r.n }, { header: 'VALUE', value: (r) => r.v, align: 'right' }]);
 * // 'NAME  VALUE\na         1\n'
 * ```
 */
export function formatTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[]): string {
  const table = new Table({
    head: columns.map((c) => c.header),
    colAligns: columns.map((c) => c.align ?? 'left'),
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const row of rows) table.push(columns.map((c) => formatValue(c.value(row))));
  return `${trimLines(table.toString())}\n`;
}

/**
 * Label-value pairs, one per line, the values aligned. Ends with a newline.
 *
 * @example
 * ```ts
 * formatFields([['name', 'direction'], ['stage', 'production']]);
 * // 'name   direction\nstage  production\n'
 * ```
 */
export function formatFields(
  fields: readonly (readonly [label: string, value: unknown])[],
): string {
  const table = new Table({
    chars: NO_BORDERS,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  for (const [label, value] of fields) table.push([label, formatValue(value)]);
  return `${trimLines(table.toString())}\n`;
}

/**
 * Stable JSON for scripts: the value as the facade returned it, two-space indented, Dates as
 * ISO 8601 strings in UTC, ending with a newline.
 *
 * @example
 * ```ts
 * formatJson({ at: new Date(0) }); // '{\n  "at": "1970-01-01T00:00:00.000Z"\n}\n'
 * ```
 */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * One table cell: `-` for null and undefined, dates with {@link formatDate}, numbers with
 * {@link formatNumber}, `yes`/`no`, arrays comma-separated, objects as compact `key=value`
 * pairs; control characters escaped so stored text cannot move the cursor or break a line.
 *
 * @example
 * ```ts
 * formatValue({ auc: 0.6213, n: 3 }); // 'auc=0.6213, n=3'
 * ```
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return formatDate(value);
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return escapeControl(value);
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(formatValue).join(', ');
  if (typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '-';
    return entries
      .map(([k, v]) => {
        const shown = v !== null && typeof v === 'object' && !(v instanceof Date);
        return `${escapeControl(k)}=${shown ? escapeControl(JSON.stringify(v)) : formatValue(v)}`;
      })
      .join(', ');
  }
  return escapeControl(String(value));
}

/**
 * A number for a table: integers as they are, others to six significant digits (exponent
 * notation for very small or large ones).
 *
 * @example
 * ```ts
 * formatNumber(17665.6912); // '17665.7'
 * formatNumber(0.000012345678); // '0.0000123457'
 * ```
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(6)));
}

/**
 * A date for a table: UTC to the second, `2026-03-01 12:00:00Z`.
 *
 * @example
 * ```ts
 * formatDate(new Date('2026-03-01T12:00:00.250Z')); // '2026-03-01 12:00:00Z'
 * ```
 */
export function formatDate(value: Date): string {
  if (Number.isNaN(value.getTime())) return 'invalid date';
  return `${value.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/**
 * A duration in milliseconds for a table: `850ms`, `12.3s`, `4m 05s`, `2h 10m`, `3d 4h`;
 * `-` for null.
 *
 * @example
 * ```ts
 * formatDuration(245_000); // '4m 05s'
 * ```
 */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor(s / 3600) % 24}h`;
}

/**
 * Text with control characters (C0, DEL, C1) written as escapes: `\n`, `\t`, `\u001b`.
 *
 * @example
 * ```ts
 * escapeControl('a\nb'); // 'a\\nb'
 * ```
 */
export function escapeControl(text: string): string {
  return text.replace(/\p{Cc}/gu, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function trimLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
