import { ValidationError } from '../errors.js';

/**
 * Checks of the options a backend factory takes (`sqlite({...})`, `postgres({...})`, ...), so a
 * wrong call fails at once with a `ValidationError` naming the option, not later with a driver's
 * TypeError.
 *
 * @internal
 */
export function checkConnectionShape(value: unknown, name: string, keys: readonly string[]): void {
  const present =
    typeof value === 'object' && value !== null
      ? keys.filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      : [];
  if (present.length !== 1) {
    throw new ValidationError(
      name,
      `must be an object with exactly one of ${keys.map((k) => `\`${k}\``).join(' or ')}`,
      {
        received: value,
      },
    );
  }
}

export function checkNonEmptyString(value: unknown, field: string): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\u0000')) {
    throw new ValidationError(field, 'must be a non-empty string without NUL', { received: value });
  }
}

export function checkWholeNumber(
  value: unknown,
  field: string,
  min: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ValidationError(field, `must be a whole number of at least ${min}`, {
      received: value,
    });
  }
}

export function checkHasMethods(
  value: unknown,
  field: string,
  methods: readonly string[],
  what: string,
): void {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function');
  if (!ok) throw new ValidationError(field, `must be ${what}`, { received: value });
}
