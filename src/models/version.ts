/**
 * Model version numbers: `major.minor.patch` (semantic versioning's core, without pre-release or
 * build parts), compared numerically.
 *
 * @module
 */
import { ValidationError } from '../errors.js';

/** A parsed version number. */
export interface VersionNumber {
  major: number;
  minor: number;
  patch: number;
}

const VERSION = /^(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})\.(0|[1-9]\d{0,8})$/;

/**
 * Parses `major.minor.patch` (each a non-negative integer below 10⁹, no leading zeros).
 *
 * @throws ValidationError (`field`) otherwise, pre-release and build suffixes included.
 * @example
 * ```ts
 * parseVersion('1.10.0'); // { major: 1, minor: 10, patch: 0 }
 * ```
 */
export function parseVersion(value: unknown, field = 'version'): VersionNumber {
  const match = typeof value === 'string' ? VERSION.exec(value) : null;
  if (match === null) {
    throw new ValidationError(
      field,
      'must be a version major.minor.patch such as 1.4.2 (numbers without leading zeros, no pre-release or build suffix)',
      { received: value },
    );
  }
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/**
 * The text of a version number.
 *
 * @example
 * ```ts
 * formatVersion({ major: 2, minor: 0, patch: 1 }); // '2.0.1'
 * ```
 */
export function formatVersion(v: VersionNumber): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/**
 * The version after `latest` when none is given: the next patch, or `1.0.0` for the first.
 *
 * @example
 * ```ts
 * nextVersion(undefined); // { major: 1, minor: 0, patch: 0 }
 * nextVersion({ major: 1, minor: 2, patch: 9 }); // { major: 1, minor: 2, patch: 10 }
 * ```
 */
export function nextVersion(latest: VersionNumber | undefined): VersionNumber {
  if (latest === undefined) return { major: 1, minor: 0, patch: 0 };
  return { major: latest.major, minor: latest.minor, patch: latest.patch + 1 };
}
