import { expect } from 'vitest';
import { ValidationError } from '../../src/errors.js';

/** Expects `fn` to throw a ValidationError naming `field` (a synchronous call). */
export function expectValidation(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe(field);
    return;
  }
  throw new Error(`expected a ValidationError on ${field}`);
}
