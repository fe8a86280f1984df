import { describe, expect, it } from 'vitest';
import {
  escapeControl,
  formatDate,
  formatDuration,
  formatFields,
  formatJson,
  formatNumber,
  formatTable,
  formatValue,
} from './output.js';

describe('formatTable', () => {
  it('prints a header and aligned columns two spaces apart, without borders or trailing spaces', () => {
    const text = formatTable(
      [
        { name: 'equity', value: 17665.6912 },
        { name: 'returns', value: 0.5 },
      ],
      [
        { header: 'METRIC', value: (r) => r.name },
        { header: 'VALUE', value: (r) => r.value, align: 'right' },
      ],
    );
    expect(text).toBe('METRIC     VALUE\nequity   17665.7\nreturns      0.5\n');
  });

  it('keeps stored text from breaking the table or driving the terminal', () => {
    const text = formatTable(
      [{ name: 'a\nb\u001b[31m' }],
      [{ header: 'NAME', value: (r) => r.name }],
    );
    expect(text).toBe('NAME\na\\nb\\u001b[31m\n');
  });
});

describe('formatFields', () => {
  it('aligns the values', () => {
    expect(
      formatFields([
        ['name', 'direction'],
        ['stage', null],
      ]),
    ).toBe('name   direction\nstage  -\n');
  });
});

describe('values', () => {
  it('formats each kind of value one way', () => {
    expect(formatValue(null)).toBe('-');
    expect(formatValue(undefined)).toBe('-');
    expect(formatValue(true)).toBe('yes');
    expect(formatValue([])).toBe('-');
    expect(formatValue(['BTC/USD', 'ETH/USD'])).toBe('BTC/USD, ETH/USD');
    expect(formatValue({ auc: 0.6213456, n: 3 })).toBe('auc=0.621346, n=3');
    expect(formatValue({ range: { from: 1 } })).toBe('range={"from":1}');
    expect(formatValue({})).toBe('-');
    expect(formatValue(new Date('2026-03-01T12:00:00.250Z'))).toBe('2026-03-01 12:00:00Z');
  });

  it('formatNumber keeps integers and six significant digits', () => {
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(-0.000012345678)).toBe('-0.0000123457');
    expect(formatNumber(1234567.891)).toBe('1234570');
    expect(formatNumber(2.9e-12)).toBe('2.9e-12');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });

  it('formatDate and formatDuration', () => {
    expect(formatDate(new Date(0))).toBe('1970-01-01 00:00:00Z');
    expect(formatDate(new Date(Number.NaN))).toBe('invalid date');
    expect(formatDuration(null)).toBe('-');
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_345)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m 05s');
    expect(formatDuration(7_800_000)).toBe('2h 10m');
    expect(formatDuration(273_600_000)).toBe('3d 4h');
  });

  it('escapeControl escapes C0, DEL and C1 characters only', () => {
    expect(escapeControl('tab\there\r\u007f\u0085é')).toBe('tab\\there\\r\\u007f\\u0085é');
  });
});

describe('formatJson', () => {
  it('prints indented JSON with ISO dates and a final newline', () => {
    expect(formatJson({ at: new Date(0), n: null })).toBe(
      '{\n  "at": "1970-01-01T00:00:00.000Z",\n  "n": null\n}\n',
    );
  });
});
