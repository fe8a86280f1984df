import { type Experiment, GrowthBook } from '@growthbook/growthbook';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../stats/random.js';
import { createHashAssigner, getBucketRanges, getEqualWeights } from './buckets.js';
import { gbHash, type HashVersion } from './hash.js';

/**
 * End-to-end agreement with the `@growthbook/growthbook` package (dev dependency): for every
 * unit and configuration, `createHashAssigner(...)(unit)` is the variation GrowthBook's `run()`
 * picks for attribute `id = unit`, or -1 exactly when GrowthBook says `inExperiment: false`.
 */

const UNIT_COUNT = 20_000;
const random = createRandom('quantlab/ab growthbook agreement');

/** A random code unit string of 1..maxLength code units drawn from `ranges` ([lo, hi] inclusive). */
function randomString(ranges: readonly (readonly [number, number])[], maxLength: number): string {
  const length = 1 + random.int(maxLength);
  let s = '';
  for (let i = 0; i < length; i++) {
    const [lo, hi] = ranges[random.int(ranges.length)] as readonly [number, number];
    s += String.fromCodePoint(lo + random.int(hi - lo + 1));
  }
  return s;
}

const ASCII: [number, number] = [0x20, 0x7e];
const LATIN_GREEK_CYRILLIC: [number, number] = [0xa0, 0x4ff];
const CJK: [number, number] = [0x4e00, 0x9fff];
const HANGUL_KANA: [number, number] = [0x3040, 0x30ff];
const EMOJI: [number, number] = [0x1f300, 0x1faff]; // astral: surrogate pairs
const ASTRAL_ANY: [number, number] = [0x10000, 0x10ffff];

function buildUnits(): string[] {
  const units = new Set<string>([
    '',
    '0',
    ' ',
    'a',
    '😀',
    '\ud83d',
    '\ude00x',
    '用户',
    'é',
    'e\u0301',
  ]);
  const hex = () => random.uint32().toString(16).padStart(8, '0');
  const makers: (() => string)[] = [
    () => `user-${units.size}`, // sequential ASCII ids
    () => `${hex()}-${hex().slice(0, 4)}-7${hex().slice(0, 3)}-${hex().slice(0, 4)}-${hex()}`,
    () => String(random.uint32()), // numeric strings
    () => randomString([ASCII], 40),
    () => randomString([LATIN_GREEK_CYRILLIC, ASCII], 20),
    () => randomString([CJK], 12),
    () => randomString([CJK, HANGUL_KANA, ASCII], 16),
    () => randomString([EMOJI], 6),
    () => randomString([EMOJI, ASCII, CJK], 12),
    () => randomString([ASTRAL_ANY, ASCII], 10),
    () => {
      // lone surrogates, which JS strings allow and GrowthBook hashes as they are
      const s = randomString([ASCII, CJK], 8);
      return s + String.fromCharCode(0xd800 + random.int(0x800));
    },
  ];
  while (units.size < UNIT_COUNT) units.add((makers[units.size % makers.length] as () => string)());
  return [...units];
}

interface Config {
  readonly name: string;
  readonly key: string;
  readonly weights: readonly number[];
  readonly coverage: number;
  /** Omitted: GrowthBook uses the key, and so do we. */
  readonly seed?: string;
  readonly hashVersion: HashVersion;
}

const CONFIGS: readonly Config[] = [
  {
    name: '2 equal, default seed',
    key: 'model-ab',
    weights: [0.5, 0.5],
    coverage: 1,
    hashVersion: 2,
  },
  {
    name: '3 equal (1/3), coverage 0.99, custom seed',
    key: 'exp-3',
    weights: getEqualWeights(3),
    coverage: 0.99,
    seed: 'a-custom-seed',
    hashVersion: 2,
  },
  {
    name: '4 uneven, coverage 0.3, custom seed',
    key: 'exp-4',
    weights: [0.1, 0.2, 0.3, 0.4],
    coverage: 0.3,
    seed: '0190f5e2-7a3c-7d41-9b2e-5c8a1f3e6d70',
    hashVersion: 2,
  },
  {
    name: '5 uneven, default seed',
    key: 'momentum-v5',
    weights: [0.05, 0.15, 0.2, 0.25, 0.35],
    coverage: 1,
    hashVersion: 2,
  },
  {
    name: '3 uneven with a 0.30000000000000004 boundary, coverage 0.99',
    key: 'float-edges',
    weights: [0.1, 0.2, 0.7],
    coverage: 0.99,
    hashVersion: 2,
  },
  {
    name: '3 uneven, coverage 0.2 (range end 0.04000000000000001)',
    key: 'tiny-coverage',
    weights: [0.2, 0.3, 0.5],
    coverage: 0.2,
    seed: 'seed with spaces and ünïcödé 😀',
    hashVersion: 2,
  },
  {
    name: '2 weights summing to 0.9999 (a gap at the top), coverage 1',
    key: 'almost-one',
    weights: [0.4, 0.5999],
    coverage: 1,
    hashVersion: 2,
  },
  {
    name: '2 uneven, hash version 1',
    key: 'legacy-v1',
    weights: [0.3, 0.7],
    coverage: 0.99,
    hashVersion: 1,
  },
];

/**
 * Units that hash exactly onto each range boundary (and one step below it), so the half-open
 * comparisons at the edges are exercised, not left to chance.
 */
function boundaryUnits(config: Config): string[] {
  const seed = config.seed ?? config.key;
  const grid = config.hashVersion === 2 ? 10000 : 1000;
  const ranges = getBucketRanges(config.weights.length, config.coverage, config.weights);
  const targets = new Set<number>();
  for (const [start, end] of ranges) {
    for (const edge of [start, end]) {
      const k = Math.floor(edge * grid);
      for (const j of [k - 1, k, k + 1]) if (j >= 0 && j < grid) targets.add(j);
    }
  }
  const found: string[] = [];
  for (const k of targets) {
    for (let i = 0; i < 200 * grid; i++) {
      const unit = `edge-${k}-${i}`;
      if (gbHash(seed, unit, config.hashVersion) === k / grid) {
        found.push(unit);
        break;
      }
    }
  }
  return found;
}

describe('createHashAssigner agrees with GrowthBook run()', () => {
  const units = buildUnits();

  it('has a varied unit set', () => {
    expect(units).toHaveLength(UNIT_COUNT);
    expect(units).toContain('');
    expect(units.some((u) => /[\u4e00-\u9fff]/.test(u))).toBe(true);
    expect(units.some((u) => /[\ud800-\udbff][\udc00-\udfff]/.test(u))).toBe(true);
    expect(units.some((u) => /[\u0080-\u07ff]/.test(u))).toBe(true);
  });

  it.each(CONFIGS.map((c) => [c.name, c] as const))('%s', (_name, config) => {
    const assign = createHashAssigner({
      seed: config.seed ?? config.key,
      weights: config.weights,
      coverage: config.coverage,
      hashVersion: config.hashVersion,
    });
    const variations = config.weights.map((_, i) => i) as [number, number, ...number[]];
    const experiment: Experiment<number> = {
      key: config.key,
      variations,
      weights: [...config.weights],
      coverage: config.coverage,
      hashVersion: config.hashVersion,
      ...(config.seed === undefined ? {} : { seed: config.seed }),
    };

    const edges = boundaryUnits(config);
    expect(edges.length).toBeGreaterThan(config.weights.length);
    const counts = new Array<number>(config.weights.length + 1).fill(0);
    const mismatches: string[] = [];
    for (const unit of [...units, ...edges]) {
      const result = new GrowthBook({ attributes: { id: unit } }).run(experiment);
      const expected = result.inExperiment ? result.variationId : -1;
      const ours = assign(unit);
      if (ours !== expected)
        mismatches.push(`${JSON.stringify(unit)}: ours ${ours}, GB ${expected}`);
      if (result.inExperiment) {
        // GrowthBook reports the hash it bucketed with; it is ours too.
        if (result.bucket !== gbHash(config.seed ?? config.key, unit, config.hashVersion)) {
          mismatches.push(`${JSON.stringify(unit)}: bucket ${result.bucket}`);
        }
        expect(result.value).toBe(result.variationId);
      }
      counts[ours + 1] = (counts[ours + 1] as number) + 1;
    }
    expect(mismatches.slice(0, 10)).toEqual([]);

    // Every variation and, below full coverage, the not-in-test outcome occur.
    for (let v = 0; v < config.weights.length; v++) expect(counts[v + 1]).toBeGreaterThan(0);
    if (config.coverage < 1) expect(counts[0]).toBeGreaterThan(1);
  });

  it('GrowthBook defaults to hash version 1 when hashVersion is omitted (route always sets it)', () => {
    const assignV1 = createHashAssigner({ seed: 'k', weights: [0.5, 0.5], hashVersion: 1 });
    for (const unit of units.slice(0, 2000)) {
      const result = new GrowthBook({ attributes: { id: unit } }).run({
        key: 'k',
        variations: [0, 1],
      });
      expect(result.inExperiment ? result.variationId : -1).toBe(assignV1(unit));
    }
  });
});
