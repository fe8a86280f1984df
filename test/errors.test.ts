import { describe, expect, it } from 'vitest';
import {
  BackendError,
  BackpressureError,
  ClosedError,
  ConflictError,
  InvalidTransitionError,
  LabError,
  NotFoundError,
  ValidationError,
} from '../src/index.js';

describe('errors', () => {
  it.each([
    [
      new ValidationError('name', 'must not be empty', { received: '' }),
      'VALIDATION',
      'ValidationError',
      'name: must not be empty (received "")',
    ],
    [
      new NotFoundError('experiment', 'e1'),
      'NOT_FOUND',
      'NotFoundError',
      'experiment "e1" not found',
    ],
    [
      new ConflictError('model version', '1.0.0', 'already exists'),
      'CONFLICT',
      'ConflictError',
      'model version "1.0.0": already exists',
    ],
    [
      new InvalidTransitionError('experiment', 'e1', 'completed', 'running'),
      'INVALID_TRANSITION',
      'InvalidTransitionError',
      'experiment "e1" cannot move from completed to running',
    ],
    [
      new BackpressureError('metrics', 100),
      'BACKPRESSURE',
      'BackpressureError',
      'metrics buffer is full (100 pending); retry after flush()',
    ],
    [
      new BackendError('sqlite', 'experiments.insert', 'disk I/O error'),
      'BACKEND',
      'BackendError',
      'sqlite backend: experiments.insert failed: disk I/O error',
    ],
    [new ClosedError('lab'), 'CLOSED', 'ClosedError', 'lab is closed'],
  ])('%s has a code, a name and a readable message', (error, code, name, message) => {
    expect(error).toBeInstanceOf(LabError);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error.message).toBe(message);
  });

  it('keeps the cause', () => {
    const cause = new Error('driver said no');
    expect(new BackendError('postgres', 'migrate', 'x', { cause }).cause).toBe(cause);
  });

  it('describes received values briefly', () => {
    expect(new ValidationError('v', 'r', { received: Number.NaN }).message).toBe(
      'v: r (received NaN)',
    );
    expect(new ValidationError('v', 'r', { received: 'x'.repeat(100) }).message).toContain('…');
    expect(new ValidationError('v', 'r', { received: new Date(Number.NaN) }).message).toContain(
      'Date(invalid)',
    );
    expect(new ValidationError('v', 'r', { received: [1, 2] }).message).toContain('array(2)');
  });
});
