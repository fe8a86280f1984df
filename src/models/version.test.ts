import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { formatVersion, nextVersion, parseVersion } from './version.js';

describe('model versions', () => {
  it('parses and formats major.minor.patch', () => {
    expect(parseVersion('0.0.0')).toEqual({ major: 0, minor: 0, patch: 0 });
    expect(parseVersion('1.10.123')).toEqual({ major: 1, minor: 10, patch: 123 });
    expect(formatVersion(parseVersion('999999999.0.7'))).toBe('999999999.0.7');
  });

  it.each([
    '1.0',
    '1',
    '01.0.0',
    '1.00.0',
    '1.0.0-rc.1',
    '1.0.0+build',
    'v1.0.0',
    ' 1.0.0',
    '1.0.0 ',
    '1000000000.0.0',
    '',
    1,
  ])('refuses %j', (value) => {
    expect(() => parseVersion(value, 'version')).toThrow(ValidationError);
  });

  it('continues with the next patch, 1.0.0 first', () => {
    expect(nextVersion(undefined)).toEqual({ major: 1, minor: 0, patch: 0 });
    expect(formatVersion(nextVersion(parseVersion('2.3.9')))).toBe('2.3.10');
  });
});
