import { readFileSync } from 'node:fs';

/**
 * Typed access to `distributions.json` (scipy reference values written by
 * `generate_distributions.py`).
 */

/** A JSON cell: a number, or "Infinity" / "-Infinity" (JSON has no infinities). */
export type Cell = number | string;
export type Row = readonly Cell[];

export interface SrmCase {
  readonly observed: number[];
  readonly weights: number[];
  readonly chi2: Cell;
  readonly df: number;
  readonly pValue: Cell;
  readonly mismatch: boolean;
}

export interface Arm {
  readonly successes: number;
  readonly trials: number;
}

export interface ChanceCase {
  readonly control: Arm;
  readonly treatment: Arm;
  readonly expected: Cell;
  readonly source: 'exact' | 'quad';
  /** Counts past the exact method's term limit, where the normal approximation is used. */
  readonly approximate?: boolean;
}

export interface ReplacedValue {
  readonly table: string;
  readonly args: Cell[];
  readonly scipy: Cell;
  readonly mpmath: Cell;
}

export interface DistributionFixture {
  readonly versions: { readonly scipy: string; readonly numpy: string };
  readonly logGamma: Row[];
  readonly logBeta: Row[];
  readonly incBeta: Row[];
  readonly incGamma: Row[];
  readonly erf: Row[];
  readonly normal: { readonly cdf: Row[]; readonly ppf: Row[] };
  readonly t: { readonly cdf: Row[]; readonly ppf: Row[] };
  readonly chi2: Row[];
  readonly beta: Row[];
  readonly srm: SrmCase[];
  readonly chanceToBeatControl: ChanceCase[];
  /** Cases where scipy is not exact; their rows hold the 40-digit mpmath value instead. */
  readonly scipyReplaced: ReplacedValue[];
}

let cached: DistributionFixture | undefined;

export function loadFixture(): DistributionFixture {
  cached ??= JSON.parse(
    readFileSync(new URL('../fixtures/stats/distributions.json', import.meta.url), 'utf8'),
  ) as DistributionFixture;
  return cached;
}

/** The number in a cell. */
export function num(cell: Cell | undefined): number {
  if (typeof cell === 'number') return cell;
  if (cell === 'Infinity') return Number.POSITIVE_INFINITY;
  if (cell === '-Infinity') return Number.NEGATIVE_INFINITY;
  throw new Error(`not a fixture number: ${String(cell)}`);
}
