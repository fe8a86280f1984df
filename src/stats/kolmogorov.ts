/**
 * The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic D_n, ported from
 * SciPy so that the asymptotic branch of `ksTwoSample` returns SciPy's p-values.
 *
 * - {@link kstwoSf}: `scipy.stats.kstwo.sf(x, n)`, i.e. `_kolmogn(n, x, cdf=False)` of
 *   `scipy/stats/_ksstats.py` (Simard and L'Ecuyer's choice of algorithm: Ruben-Gambino closed
 *   forms, the Durbin matrix algorithm as computed by Marsaglia, Tsang and Wang, the Pomeranz
 *   recursion, the Pelz-Good expansion, and twice the one-sided Smirnov tail).
 * - {@link smirnovSf}: `scipy.special.smirnov(n, x)`, the one-sided tail Pr(D_n+ >= x) of
 *   cephes/xsf `kolmogorov.h` (Birnbaum-Tingey sum in double-double arithmetic).
 *
 * The double-double arithmetic is the part of the qd package that xsf uses (`dd_real.h`); the
 * exact product error that xsf gets from `fma` is computed here with Dekker's splitting, which is
 * exact for the magnitudes that occur. Where SciPy's rescaling by 2^±128 silently promotes a value
 * to NumPy `longdouble` (80-bit on x86-64), this port stays in double: the difference, at most a
 * few units in the 13th significant digit of a p-value, is far below the tests' tolerance.
 *
 * References: Simard, R., L'Ecuyer, P. (2011) "Computing the Two-Sided Kolmogorov-Smirnov
 * Distribution", J. Stat. Software 39(11); Marsaglia, Tsang, Wang (2003) "Evaluating
 * Kolmogorov's Distribution", J. Stat. Software 8(18); Pomeranz, J. (1974) Algorithm 487, CACM
 * 17(12); Pelz, W., Good, I. J. (1976) JRSS B 38(2); van Mulbregt, P. (2018) arXiv:1802.06966.
 *
 * @internal
 * @module
 */

// ---------------------------------------------------------------------------------------------
// Bit-level helpers (frexp / ldexp) on a shared scratch buffer. Little-endian, as on every
// platform Node supports.

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const TWO_64 = 2 ** 64;

/**
 * Registers for the second results of the helpers below (error term, low word, exponent). A
 * typed array keeps them unboxed, so the hot loops allocate nothing.
 */
const REG = new Float64Array(3);
const ERR = 0;
const LO = 1;
const EXP = 2;
function sumErr(): number {
  return REG[ERR] as number;
}
function ddLo(): number {
  return REG[LO] as number;
}
function frexpExp(): number {
  return REG[EXP] as number;
}

/** C `frexp`: returns m with 0.5 <= |m| < 1 and sets REG[EXP] = e with x = m * 2^e. */
function frexp(x: number): number {
  if (x === 0 || !Number.isFinite(x)) {
    REG[EXP] = 0;
    return x;
  }
  let scale = 0;
  F64[0] = x;
  let hi = U32[1] as number;
  if (((hi >>> 20) & 0x7ff) === 0) {
    F64[0] = x * TWO_64;
    hi = U32[1] as number;
    scale = 64;
  }
  REG[EXP] = ((hi >>> 20) & 0x7ff) - 1022 - scale;
  U32[1] = (hi & 0x800fffff) | (1022 << 20);
  return F64[0] as number;
}

/** 2^n for -1022 <= n <= 1023, built from its bits. */
function pow2(n: number): number {
  U32[0] = 0;
  U32[1] = (0x3ff + n) << 20;
  return F64[0] as number;
}

const P2_1023 = pow2(1023);
const P2_M969 = pow2(-1022) * pow2(53);

/** C `ldexp` (musl `scalbn`): x * 2^n with a single rounding. */
function ldexp(x: number, n: number): number {
  let y = x;
  let e = n;
  if (e > 1023) {
    y *= P2_1023;
    e -= 1023;
    if (e > 1023) {
      y *= P2_1023;
      e -= 1023;
      if (e > 1023) e = 1023;
    }
  } else if (e < -1022) {
    y *= P2_M969;
    e += 1022 - 53;
    if (e < -1022) {
      y *= P2_M969;
      e += 1022 - 53;
      if (e < -1022) e = -1022;
    }
  }
  return y * pow2(e);
}

// ---------------------------------------------------------------------------------------------
// Double-double arithmetic. Each operation returns the high word and leaves the low word in
// REG[LO], so nothing is allocated. REG[ERR] carries the error term of the error-free transforms.

const SPLITTER = 134217729; // 2^27 + 1

function quickTwoSum(a: number, b: number): number {
  const s = a + b;
  REG[ERR] = b - (s - a);
  return s;
}

function twoSum(a: number, b: number): number {
  const s = a + b;
  const c = s - a;
  const d = b - c;
  const e = s - c;
  REG[ERR] = a - e + d;
  return s;
}

/** fl(a*b) with the exact error a*b - fl(a*b) in REG[ERR] (Dekker; equals xsf's fma form). */
function twoProd(a: number, b: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  REG[ERR] = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/** dd + dd (Briggs-Kahan, IEEE error bound). */
function ddAdd(ah: number, al: number, bh: number, bl: number): number {
  let s1 = twoSum(ah, bh);
  let s2 = sumErr();
  const t1 = twoSum(al, bl);
  const t2 = sumErr();
  s2 += t1;
  s1 = quickTwoSum(s1, s2);
  s2 = sumErr() + t2;
  s1 = quickTwoSum(s1, s2);
  REG[LO] = sumErr();
  return s1;
}

/** dd + double (also double + dd: two_sum is exact in either order). */
function ddAddD(ah: number, al: number, b: number): number {
  const s1 = twoSum(ah, b);
  const s2 = sumErr() + al;
  const r = quickTwoSum(s1, s2);
  REG[LO] = sumErr();
  return r;
}

/** dd * dd. */
function ddMul(ah: number, al: number, bh: number, bl: number): number {
  const p1 = twoProd(ah, bh);
  const p2 = sumErr() + (ah * bl + al * bh);
  const r = quickTwoSum(p1, p2);
  REG[LO] = sumErr();
  return r;
}

/** dd * double (also double * dd). */
function ddMulD(ah: number, al: number, b: number): number {
  const p1 = twoProd(ah, b);
  const e1 = sumErr();
  const p2 = twoProd(al, b);
  const e2 = sumErr();
  const r = quickTwoSum(p1, e2 + p2 + e1);
  REG[LO] = sumErr();
  return r;
}

/** dd / dd (three-term long division of the qd package). */
function ddDiv(ah: number, al: number, bh: number, bl: number): number {
  let q1 = ah / bh;
  let mh = ddMulD(bh, bl, q1);
  let rh = ddAdd(ah, al, -mh, -ddLo());
  let rl = ddLo();
  let q2 = rh / bh;
  mh = ddMulD(bh, bl, q2);
  rh = ddAdd(rh, rl, -mh, -ddLo());
  rl = ddLo();
  const q3 = rh / bh;
  q1 = quickTwoSum(q1, q2);
  q2 = sumErr();
  return ddAddD(q1, q2, q3);
}

/** dd frexp: the mantissa's high word in [0.5, 1) (see xsf), exponent in REG[EXP]. */
function ddFrexp(ah: number, al: number): number {
  let man = frexp(ah);
  let e = frexpExp();
  let b1 = ldexp(al, -e);
  if (Math.abs(man) === 0.5 && man * b1 < 0) {
    man *= 2;
    b1 *= 2;
    e -= 1;
  }
  REG[EXP] = e;
  REG[LO] = b1;
  return man;
}

/** dd^m with the cheap correction of xsf `pow_D`. */
function ddPow(ah: number, al: number, m: number): number {
  if (m <= 0) {
    if (m === 0) {
      REG[LO] = 0;
      return 1;
    }
    const ph = ddPow(ah, al, -m);
    return ddDiv(1, 0, ph, ddLo());
  }
  if (ah === 0 && al === 0) {
    REG[LO] = 0;
    return 0;
  }
  const ans = ah ** m;
  const r = al / ah;
  let adj = m * r;
  if (Math.abs(adj) > 1e-8) {
    if (Math.abs(adj) < 1e-4) {
      adj += m * r * (((m - 1) / 2.0) * r);
    } else {
      adj = Math.expm1(m * Math.log1p(r));
    }
  }
  return ddAddD(ans, 0, ans * adj);
}

const SM_MAX_EXPONENT = 960;

/** xsf `nextPowerOf2` (despite the name, x nudged up by one ulp-ish, integral when exact). */
function nextPowerOf2(x: number): number {
  const q = ldexp(x, 1 - 53);
  let l = Math.abs(q + x);
  if (l === 0) {
    l = Math.abs(x);
  } else {
    const lint = Math.trunc(l);
    if (lint === l) l = lint;
  }
  return l;
}

/**
 * xsf `pow2Scaled_D`: a^m as a mantissa (returned high word, low word in REG[LO]) times
 * 2^REG[EXP], splitting the power so that no intermediate underflows.
 */
function pow2Scaled(ah: number, al: number, m: number): number {
  if (m <= 0) {
    if (m === 0) {
      REG[EXP] = 0;
      REG[LO] = 0;
      return 1;
    }
    let h = pow2Scaled(ah, al, -m);
    const e1 = frexpExp();
    h = ddDiv(1, 0, h, ddLo());
    h = ddFrexp(h, ddLo());
    REG[EXP] = -e1 + frexpExp();
    return h;
  }
  const yh = ddFrexp(ah, al);
  const yl = ddLo();
  const yE = frexpExp();
  if (m === 1) return yh;
  let maxExpt = SM_MAX_EXPONENT;
  if ((m * (yh - 1)) / yh < -SM_MAX_EXPONENT * Math.LN2) {
    const lg2y = Math.log(yh) / Math.LN2;
    const lgAns = m * lg2y;
    if (lgAns <= -SM_MAX_EXPONENT) {
      maxExpt = Math.trunc(nextPowerOf2(-SM_MAX_EXPONENT / lg2y + 1) / 2);
    }
  }
  if (m <= maxExpt) {
    let h = ddPow(yh, yl, m);
    h = ddFrexp(h, ddLo());
    REG[EXP] = frexpExp() + m * yE;
    return h;
  }
  const q = Math.trunc(m / maxExpt);
  const r = m % maxExpt;
  const y2rH = pow2Scaled(yh, yl, r);
  const y2rL = ddLo();
  const y2rE = frexpExp();
  const y2mH = pow2Scaled(yh, yl, maxExpt);
  const y2mL = ddLo();
  const y2mE = frexpExp();
  const y2mqH = pow2Scaled(y2mH, y2mL, q);
  const y2mqL = ddLo();
  let y2mqE = frexpExp();
  let h = ddMul(y2rH, y2rL, y2mqH, y2mqL);
  h = ddFrexp(h, ddLo());
  let ansE = frexpExp();
  y2mqE += y2mE * q;
  ansE += y2mqE + y2rE;
  ansE += m * yE;
  REG[EXP] = ansE;
  return h;
}

/** xsf `pow4_D`: ((a + b) / (c + d))^m in double-double. */
function pow4(a: number, b: number, c: number, d: number, m: number): number {
  if (m <= 0) {
    if (m === 0) {
      REG[LO] = 0;
      return 1;
    }
    return pow4(c, d, a, b, -m);
  }
  const xh = ddAddD(a, 0, b);
  const xl = ddLo();
  const ch = ddAddD(c, 0, d);
  const cl = ddLo();
  if (xh === 0 && xl === 0) {
    REG[LO] = ch === 0 && cl === 0 ? Number.NaN : 0;
    return ddLo();
  }
  if (ch === 0 && cl === 0) {
    REG[LO] = xh < 0 ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return ddLo();
  }
  const qh = ddDiv(xh, xl, ch, cl);
  return ddPow(qh, ddLo(), m);
}

// ---------------------------------------------------------------------------------------------
// Smirnov (one-sided) tail.

/** cephes MINLOG = log(2^-1075). */
const MINLOG = -745.1332191019412;
const SMIRNOV_MAX_COMPUTE_N = 1000000;
const SM_UPPER_MAX_TERMS = 3;
const SM_UPPERSUM_MIN_N = 10;
const EPS = Number.EPSILON;

/**
 * Pr(D_n+ >= x), the one-sided Kolmogorov-Smirnov tail: port of `scipy.special.smirnov` (xsf
 * `_smirnov`, the sf component only). Birnbaum-Tingey sum
 * `sum_v C(n,v) x (x + v/n)^(v-1) (1 - x - v/n)^(n-v)` over the lower or the upper range of v,
 * evaluated in double-double with separately tracked binary exponents; O(n) terms at worst
 * (about 2 microseconds a term, so up to a second for n near 5e5, as in SciPy).
 *
 * @example
 * ```ts
 * smirnovSf(10, 0.3); // Pr(D_10+ >= 0.3), same as scipy.special.smirnov(10, 0.3)
 * ```
 *
 * @internal
 */
export function smirnovSf(n: number, x: number, logSpaceMinTerms = LOG_SPACE_MIN_TERMS): number {
  if (!(n > 0 && x >= 0.0 && x <= 1.0)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0.0) return 1.0;
  if (x === 1.0) return 0.0;

  // modNX: floor(n x) and its remainder, exactly.
  const nxH = ddMulD(x, 0, n);
  const nxL = ddLo();
  let flH = Math.floor(nxH);
  let flL = 0;
  if (flH === nxH) {
    flL = Math.floor(nxL);
    flH = quickTwoSum(flH, flL);
    flL = sumErr();
  }
  let alpha = ddAdd(nxH, nxL, -flH, -flL);
  let nxfl = Math.trunc(flH);
  if (alpha === 1) {
    nxfl += 1;
    alpha = 0;
  }

  let n1mxfl = n - nxfl - (alpha === 0 ? 0 : 1);
  let n1mxceil = n - nxfl;
  if (alpha === 0) {
    n1mxfl -= 1;
    n1mxceil += 1;
  }

  // x <= 1/n
  if (nxfl === 0 || (nxfl === 1 && alpha === 0)) {
    const bh = ddAddD(1, 0, x);
    const t = ddPow(bh, ddLo(), n - 1);
    return 1 - x * t;
  }
  // sf underflows
  if (-2 * n * x * x < MINLOG) return 0;
  // x >= 1 - 1/n
  if (nxfl >= n - 1) {
    const bh = ddAddD(1, 0, -x);
    return ddPow(bh, ddLo(), n);
  }
  if (n > SMIRNOV_MAX_COMPUTE_N) {
    const logp = -((6.0 * n * x + 1) ** 2) / 18.0 / n;
    // SciPy keeps the better-conditioned of sf and cdf = -expm1(logp).
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }

  const nUpperTerms = n - n1mxceil + 1;
  const useUpperSum =
    (nUpperTerms <= 1 && x < 0.5) ||
    (n >= SM_UPPERSUM_MIN_N && nUpperTerms <= SM_UPPER_MAX_TERMS && x <= 0.5 / Math.sqrt(n));

  if (!useUpperSum && n1mxfl + 1 > logSpaceMinTerms) return smirnovLowerSumLog(n, x, n1mxfl + 1);

  let start = 0;
  let step = 1;
  let nTerms = n1mxfl + 1;
  const vmid = Math.trunc(n / 2);
  let cmanH = 1;
  let cmanL = 0;
  let cexpt = 0;
  let ajH: number;
  let ajL: number;
  if (useUpperSum) {
    start = n;
    step = -1;
    nTerms = n - n1mxceil + 1;
    ajH = pow4(1, x, 1, 0, n - 1);
    ajL = ddLo();
  } else {
    const t2h = pow4(1, -x, 1, 0, n);
    ajH = ddDiv(t2h, ddLo(), x, 0);
    ajL = ddLo();
  }
  let sumH = ddAdd(0, 0, ajH, ajL);
  let sumL = ddLo();

  // updateBinomial(n, 0)
  let h = ddDiv(n, 0, 1, 0);
  h = ddMul(cmanH, cmanL, h, ddLo());
  cmanH = ddFrexp(h, ddLo());
  cmanL = ddLo();
  cexpt += frexpExp();

  for (let j = 1; j < nTerms; j++) {
    const v = start + j * step;
    // computeAv
    h = ddDiv(n - v, 0, n, 0);
    h = ddAddD(h, ddLo(), -x);
    const t2H = pow2Scaled(h, ddLo(), n - v);
    const t2L = ddLo();
    const t2E = frexpExp();
    h = ddDiv(v, 0, n, 0);
    h = ddAddD(h, ddLo(), x);
    const t1H = pow2Scaled(h, ddLo(), v - 1);
    const t1L = ddLo();
    const t1E = frexpExp();
    h = ddMul(t1H, t1L, t2H, t2L);
    h = ddMul(h, ddLo(), cmanH, cmanL);
    const ansE = cexpt + t1E + t2E;
    ajH = ldexp(h, ansE);
    ajL = ldexp(ddLo(), ansE);

    const nonZero = ajH !== 0 || ajL !== 0;
    if (Number.isFinite(ajH) && nonZero) {
      sumH = ddAdd(sumH, sumL, ajH, ajL);
      sumL = ddLo();
    }
    if (nonZero) {
      if (4 * (nTerms - j) * Math.abs(ajH) < EPS * sumH && j !== nTerms - 1) break;
    } else if (j > vmid) {
      break;
    }
    // updateBinomial(n, j)
    h = ddDiv(n - j, 0, j + 1.0, 0);
    h = ddMul(cmanH, cmanL, h, ddLo());
    cmanH = ddFrexp(h, ddLo());
    cmanL = ddLo();
    cexpt += frexpExp();
  }
  const prob = ddMulD(sumH, sumL, x);
  const sf = step < 0 ? 1 - prob : prob;
  return clip01(sf);
}

/**
 * Above this many terms the lower Birnbaum-Tingey sum is taken in log space in double precision
 * instead of double-double: about 40 ns a term instead of 1.6 µs, so a 1e6 vs 1e6 KS test with a
 * p-value near 1e-6 costs 20 ms here instead of 0.8 s. Every term is positive (no cancellation);
 * the error of a term is dominated by (v - 1)·log(x + v/n), at most about v·|log a|·ε, below 1e-9
 * relative for n up to 1e6 and within 3e-12 of the double-double sum on the fixtures.
 */
const LOG_SPACE_MIN_TERMS = 2000;

/**
 * The lower sum of {@link smirnovSf}, sum over v < nTerms of
 * C(n, v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v), times x, accumulated as a scaled sum of
 * exp(log term) with the same stopping rule as the double-double loop.
 */
function smirnovLowerSumLog(n: number, x: number, nTerms: number): number {
  // log C(n, v) accumulated with Neumaier compensation: a million plain additions would drift.
  let logBinomial = 0;
  let compensation = 0;
  let scale = n * Math.log1p(-x) - Math.log(x);
  let sum = 1;
  for (let v = 1; v < nTerms; v++) {
    const step = Math.log1p((n - 2 * v + 1) / v);
    const next = logBinomial + step;
    compensation +=
      Math.abs(logBinomial) >= Math.abs(step)
        ? logBinomial - next + step
        : step - next + logBinomial;
    logBinomial = next;
    const a = x + v / n;
    const logTerm = logBinomial + compensation + (v - 1) * Math.log(a) + (n - v) * Math.log1p(-a);
    if (logTerm > scale) {
      sum = sum * Math.exp(scale - logTerm) + 1;
      scale = logTerm;
      continue;
    }
    const term = Math.exp(logTerm - scale);
    sum += term;
    if (4 * (nTerms - v) * term < EPS * sum) break;
  }
  return clip01(x * sum * Math.exp(scale));
}

// ---------------------------------------------------------------------------------------------
// Two-sided Kolmogorov-Smirnov distribution (scipy/stats/_ksstats.py).

const E128 = 128;
const EP128 = pow2(128);
const EM128 = pow2(-128);
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT2PI = Math.sqrt(2 * Math.PI);
const MIN_LOG = -708;
const SQRT3 = Math.sqrt(3);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
/** B_2j / (2j (2j - 1)) for j = 8 .. 1 (Stirling's series), as in SciPy's `_ksstats.py`. */
const STIRLING_COEFFS = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

function clip01(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}

/** log(n! / n^n) by Stirling's series with n log n removed up front. */
function logNFactorialDivNPowN(n: number): number {
  const rn = 1.0 / n;
  const z = rn / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * z + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** C = A * B for m x m row-major matrices (C must not alias A or B). */
function matmul(a: Float64Array, b: Float64Array, c: Float64Array, m: number): void {
  c.fill(0);
  for (let i = 0; i < m; i++) {
    const ri = i * m;
    for (let k = 0; k < m; k++) {
      const aik = a[ri + k] as number;
      if (aik === 0) continue;
      const rk = k * m;
      for (let j = 0; j < m; j++) c[ri + j] = (c[ri + j] as number) + aik * (b[rk + j] as number);
    }
  }
}

/**
 * Pr(D_n <= d) by Durbin's matrix algorithm as computed by Marsaglia, Tsang and Wang
 * (`_kolmogn_DMTW`): the k-th diagonal entry of (n!/n^n) H^n with H of size 2k - 1, k = ceil(nd),
 * powered by repeated squaring with explicit exponent tracking.
 */
function kolmognDmtwCdf(n: number, d: number): number {
  if (d >= 1.0) return 1.0;
  const nd = n * d;
  if (nd <= 0.5) return 0.0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;

  let hm = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1.0;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1.0 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1.0, 0) ** m - 2 * h ** m;
  v[m - 1] = (1.0 + tt) * fac;
  for (let i = 1; i < m; i++) {
    for (let r = i - 1; r < m; r++) hm[r * m + i] = w[r - (i - 1)] as number;
  }
  for (let r = 0; r < m; r++) hm[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) hm[(m - 1) * m + c] = v[m - 1 - c] as number;

  let hpwr = new Float64Array(m * m);
  for (let i = 0; i < m; i++) hpwr[i * m + i] = 1;
  let scratch = new Float64Array(m * m);
  let nn = n;
  let expnt = 0;
  let hexpnt = 0;
  const kk = (k - 1) * m + (k - 1);
  while (nn > 0) {
    if (nn % 2) {
      matmul(hpwr, hm, scratch, m);
      const t = hpwr;
      hpwr = scratch;
      scratch = t;
      expnt += hexpnt;
    }
    matmul(hm, hm, scratch, m);
    const t = hm;
    hm = scratch;
    scratch = t;
    hexpnt *= 2;
    if (Math.abs(hm[kk] as number) > EP128) {
      for (let i = 0; i < m * m; i++) hm[i] = (hm[i] as number) / EP128;
      hexpnt += E128;
    }
    nn = Math.trunc(nn / 2);
  }
  let p = hpwr[kk] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      expnt -= E128;
    }
  }
  if (expnt !== 0) p = ldexp(p, expnt);
  return clip01(p);
}

/** `_pomeranz_compute_j1j2`: the first and last non-zero columns of row i. */
function pomeranzJ1J2(
  i: number,
  n: number,
  ll: number,
  ceilf: number,
  roundf: number,
  out: Int32Array,
): void {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const ip1div2 = Math.floor((i + 1) / 2);
    const ip1mod2 = (i + 1) % 2;
    if (ip1mod2 === 0) {
      if (ip1div2 === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = ip1div2 - 1 - ll - roundf - 1;
        j2 = ip1div2 + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = ip1div2 - 1 - ll - 1;
      j2 = ip1div2 + ll + roundf - 1;
    }
  }
  out[0] = Math.max(j1 + 2, 0);
  out[1] = Math.min(j2, n);
}

/** Pr(D_n <= x) by the Pomeranz recursion (`_kolmogn_Pomeranz`), with rescaling. */
function kolmognPomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = 1.0 * (t - ll);
  const g = Math.min(f, 1.0 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = 1.0;
  twogpower[0] = 1.0;
  onem2gpower[0] = 1.0;
  let expnt = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * gOverN) / m;
    twogpower[m] = ((twogpower[m - 1] as number) * twoGOverN) / m;
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * oneMinusTwoGOverN) / m;
  }
  let v0 = new Float64Array(npwrs);
  let v1 = new Float64Array(npwrs);
  const conv = new Float64Array(2 * npwrs);
  v1[0] = 1;
  let v0s = 0;
  let v1s = 0;
  const jj = new Int32Array(2);
  pomeranzJ1J2(0, n, ll, ceilf, roundf, jj);
  let j1 = jj[0] as number;
  let j2: number;
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    const tv = v0;
    v0 = v1;
    v1 = tv;
    const ts = v0s;
    v0s = v1s;
    v1s = ts;
    v1.fill(0.0);
    pomeranzJ1J2(i, n, ll, ceilf, roundf, jj);
    j1 = jj[0] as number;
    j2 = jj[1] as number;
    const pwrs = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // Full convolution of V0[k1 - V0s : k1 - V0s + ln2] with pwrs[:ln2].
      const off = k1 - v0s;
      const la = Math.max(0, Math.min(ln2, npwrs - off));
      const lb = Math.min(ln2, npwrs);
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let vmax = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < convLen; c++) {
        const kk = convStart + c;
        let s = 0;
        const lo = Math.max(0, kk - lb + 1);
        const hi = Math.min(kk, la - 1);
        for (let a = lo; a <= hi; a++) s += (v0[off + a] as number) * (pwrs[kk - a] as number);
        conv[c] = s;
      }
      for (let c = 0; c < convLen; c++) v1[c] = conv[c] as number;
      for (let c = 0; c < npwrs; c++) if ((v1[c] as number) > vmax) vmax = v1[c] as number;
      if (vmax > 0 && vmax < EM128) {
        for (let c = 0; c < npwrs; c++) v1[c] = (v1[c] as number) * EP128;
        expnt -= E128;
      }
      v1s = v0s + j1 - k1;
    }
  }
  let ans = v1[n - v1s] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > EP128) {
      ans *= EM128;
      expnt += E128;
    }
    ans *= m;
  }
  if (expnt !== 0) ans = ldexp(ans, expnt);
  return clip01(ans);
}

/** Pelz-Good approximation to Pr(D_n <= x) (`_kolmogn_PelzGood`, cdf form). */
function kolmognPelzGoodCdf(n: number, x: number): number {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const z = Math.sqrt(n) * x;
  const zsquared = z ** 2;
  const zthree = z ** 3;
  const zfour = z ** 4;
  const zsix = z ** 6;
  const qlog = -PI_SQUARED / 8 / zsquared;
  if (qlog < MIN_LOG) return 0.0;
  let q = Math.exp(qlog);

  const k1a = -zsquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zsix + 2 * zfour;
  const k2b = ((2 * zfour - 5 * zsquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zsquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zsquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zsquared + 212 * zfour)) / 16;
  const k3b = (PI_SQUARED * (135 * zfour - 96 * zsix)) / 4;
  const k3a = -30 * zsix - 90 * z ** 8;

  let k0 = 0;
  let kk1 = 0;
  let kk2 = 0;
  let kk3 = 0;
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const msquared = m ** 2;
    const mfour = m ** 4;
    const msix = m ** 6;
    const qpower = q ** (8 * k);
    k0 = k0 * qpower + 1.0;
    kk1 = kk1 * qpower + (k1a + k1b * msquared);
    kk2 = kk2 * qpower + (k2a + k2b * msquared + k2c * mfour);
    kk3 = kk3 * qpower + (k3a + k3b * msquared + k3c * mfour + k3d * msix);
  }
  k0 = k0 * q * SQRT2PI;
  kk1 = kk1 * q * SQRT2PI;
  kk2 = kk2 * q * SQRT2PI;
  kk3 = kk3 * q * SQRT2PI;
  k0 /= z;
  kk1 /= 6 * zfour;
  kk2 /= 72 * z ** 7;
  kk3 /= 6480 * z ** 10;

  q = Math.exp(-PI_SQUARED / 2 / zsquared);
  const sqrt3z = SQRT3 * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const ksquared = k ** 2;
    const qp = q ** ksquared;
    const kspi = Math.PI * k;
    k2extra += ksquared * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qp;
  }
  k2extra *= (PI_SQUARED * SQRT2PI) / (-36 * zthree);
  kk2 += k2extra;
  k3extra *= (PI_SQUARED * SQRT2PI) / (216 * zsix);
  kk3 += k3extra;
  kk1 /= n ** 0.5;
  kk2 /= n ** 1.0;
  kk3 /= n ** 1.5;
  return 0 + k0 + kk1 + kk2 + kk3;
}

/**
 * Pr(D_n >= x) for the two-sided one-sample Kolmogorov-Smirnov statistic: SciPy's
 * `kstwo.sf(x, n)` (support check of `rv_continuous.sf`, then `_kolmogn(n, x, cdf=False)`),
 * choosing the algorithm by n and n x^2 as Simard and L'Ecuyer (2011) recommend. n must be a
 * whole number >= 1; the result is clipped to [0, 1].
 *
 * @example
 * ```ts
 * kstwoSf(100, 0.1); // Pr(D_100 >= 0.1), same as scipy.stats.kstwo.sf(0.1, 100)
 * ```
 *
 * @internal
 */
export function kstwoSf(n: number, x: number): number {
  if (!(n >= 1 && Number.isInteger(n)) || Number.isNaN(x)) return Number.NaN;
  // rv_continuous.sf: 1 at or below the support's lower end 0.5/n, 0 at or above 1.
  if (x <= 0.5 / n) return 1.0;
  if (x >= 1.0) return 0.0;
  const t = n * x;
  if (t <= 1.0) {
    // Ruben-Gambino: 1/2n <= x <= 1/n
    if (t <= 0.5) return 1.0;
    let prob: number;
    if (n <= 140) {
      const c = 2 * t - 1;
      const rn = 1.0 / n;
      prob = 1;
      for (let i = 1; i <= n; i++) prob *= i * rn * c;
    } else {
      prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1.0 - prob);
  }
  if (t >= n - 1) return clip01(2 * (1.0 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));

  const nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1.0 - kolmognDmtwCdf(n, x));
    if (nxsquared <= 4) return clip01(1.0 - kolmognPomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  let cdfprob: number;
  if (nxsquared >= 18.0) {
    cdfprob = 1.0;
  } else if (n <= 100000 && n * x ** 1.5 <= 1.4) {
    cdfprob = kolmognDmtwCdf(n, x);
  } else {
    cdfprob = kolmognPelzGoodCdf(n, x);
  }
  return clip01(1.0 - cdfprob);
}
