import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  BackendError,
  ConflictError,
  InvalidTransitionError,
  NotFoundError,
  ValidationError,
} from '../errors.js';
import { CliError, EXIT, errorReport, exitCodeOf, oneLine } from './errors.js';

describe('exit codes', () => {
  it('maps each kind of failure to the documented code', () => {
    expect(exitCodeOf(new CliError(EXIT.database, 'no file'))).toBe(3);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', ''))).toBe(0);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownCommand', ''))).toBe(2);
    expect(exitCodeOf(new ValidationError('filter.limit', 'must be at most 1000'))).toBe(2);
    expect(exitCodeOf(new NotFoundError('experiment', 'x'))).toBe(1);
    expect(exitCodeOf(new ConflictError('model', 'm', 'no production version'))).toBe(1);
    expect(exitCodeOf(new InvalidTransitionError('model', 'm', 'a', 'b'))).toBe(1);
    expect(exitCodeOf(new BackendError('sqlite', 'experiments.list', 'disk I/O error'))).toBe(1);
    expect(exitCodeOf(new Error('bug'))).toBe(1);
  });
});

describe('errorReport', () => {
  it('prints expected errors on one line and leaves commander errors to commander', () => {
    expect(errorReport(new NotFoundError('experiment', 'x'))).toBe(
      'quantlab: experiment "x" not found',
    );
    expect(errorReport(new CliError(EXIT.usage, 'bad\n  input'))).toBe('quantlab: bad input');
    expect(errorReport(new CommanderError(1, 'commander.unknownCommand', 'x'))).toBeUndefined();
  });

  it('keeps the stack of an unexpected error, which is a bug to report', () => {
    const report = errorReport(new TypeError('boom'));
    expect(report).toMatch(
      /^quantlab: unexpected error \(please report it\): TypeError: boom\n\s+at /,
    );
  });

  it('oneLine joins lines', () => {
    expect(oneLine('IO Error:\n   Could not set lock\r\n')).toBe('IO Error: Could not set lock');
  });
});
