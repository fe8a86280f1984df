import { describe, expect, it } from 'vitest';
import { InvalidTransitionError } from '../errors.js';
import { assertStageMove, canMoveStage, isModelStage, MODEL_STAGES } from './stages.js';

const LEGAL = new Set([
  'development>staging',
  'development>archived',
  'staging>production',
  'staging>development',
  'staging>archived',
  'production>staging',
  'production>archived',
  'archived>development',
]);

describe('model stages', () => {
  for (const from of MODEL_STAGES) {
    for (const to of MODEL_STAGES) {
      const legal = LEGAL.has(`${from}>${to}`);
      it(`${from} → ${to} is ${legal ? 'allowed' : 'refused'}`, () => {
        expect(canMoveStage(from, to)).toBe(legal);
        if (legal) expect(() => assertStageMove('m@1.0.0', from, to)).not.toThrow();
        else expect(() => assertStageMove('m@1.0.0', from, to)).toThrow(InvalidTransitionError);
      });
    }
  }

  it('knows only its four stages', () => {
    expect(isModelStage('production')).toBe(true);
    expect(isModelStage('Production')).toBe(false);
    expect(canMoveStage('retired', 'development')).toBe(false);
  });
});
