import { describe, expect, it } from 'vitest';
import { expectValidation } from '../../test/support/validation.js';
import { checkPerformance, defaultHigherIsBetter } from './performance.js';

describe('defaultHigherIsBetter', () => {
  it.each([
    ['sharpe', true],
    ['sortino', true],
    ['hitRate', true],
    ['accuracy', true],
    ['auc', true],
    ['total_return', true],
    ['rmse', false],
    ['RMSE', false],
    ['mse', false],
    ['mae', false],
    ['mae_window_20', false],
    ['val_loss', false],
    ['logLoss', false],
    ['logloss', false],
    ['meanSquaredError', false],
    ['mean_absolute_error', false],
    ['maxDrawdown', false],
    ['max_drawdown', false],
    ['maxdrawdown', false],
    ['brier_score', false],
    ['mape', false],
    ['profit_loss', true],
    ['winLossRatio', true],
    ['pnl', true],
  ] as const)('%s → %s', (name, expected) => {
    expect(defaultHigherIsBetter(name)).toBe(expected);
  });
});

describe('checkPerformance', () => {
  it('flags a harmful relative change over the threshold, in either direction', () => {
    const r = checkPerformance(
      { sharpe: 1.8, hitRate: 0.56, rmse: 0.012, maxDrawdown: 0.08 },
      { sharpe: 1.75, hitRate: 0.51, rmse: 0.0135, maxDrawdown: 0.07 },
    );
    expect(r.metrics.filter((m) => m.drifted).map((m) => m.metric)).toEqual(['hitRate', 'rmse']);
    expect(r).toMatchObject({ driftedCount: 2, drifted: true });
    const rmse = r.metrics.find((m) => m.metric === 'rmse');
    expect(rmse).toMatchObject({ higherIsBetter: false, threshold: 0.05 });
    expect(rmse?.relativeChange).toBeCloseTo(0.125, 12);
    expect(rmse?.degradation).toBeCloseTo(0.125, 12);
    const dd = r.metrics.find((m) => m.metric === 'maxDrawdown');
    expect(dd?.degradation).toBeCloseTo(-0.125, 12); // an improvement
  });

  it('never counts an improvement, however large', () => {
    const r = checkPerformance({ sharpe: 1, rmse: 1 }, { sharpe: 3, rmse: 0.1 });
    expect(r.drifted).toBe(false);
    expect(r.metrics.map((m) => m.degradation < 0)).toEqual([true, true]);
  });

  it('treats exactly the threshold as not over it, despite rounding', () => {
    const r = checkPerformance({ sharpe: 1, rmse: 0.2 }, { sharpe: 0.95, rmse: 0.21 });
    expect(r.metrics.map((m) => m.drifted)).toEqual([false, false]);
    expect(checkPerformance({ sharpe: 1 }, { sharpe: 0.9499 }).drifted).toBe(true);
  });

  it('divides by |baseline|, so a negative baseline keeps the direction', () => {
    const r = checkPerformance({ sharpe: -0.5 }, { sharpe: -0.6 });
    expect(r.metrics[0]?.relativeChange).toBeCloseTo(-0.2, 12);
    expect(r.metrics[0]).toMatchObject({ drifted: true });
    expect(checkPerformance({ sharpe: -0.5 }, { sharpe: -0.4 }).drifted).toBe(false);
  });

  it('uses the absolute change when the baseline is 0', () => {
    const r = checkPerformance({ maxDrawdown: 0, pnl: 0 }, { maxDrawdown: 0.06, pnl: -0.01 });
    expect(r.metrics[0]).toMatchObject({ relativeChange: null, change: 0.06, drifted: true });
    expect(r.metrics[0]?.degradation).toBeCloseTo(0.06, 15);
    expect(r.metrics[1]).toMatchObject({ relativeChange: null, drifted: false });
    expect(r.metrics[1]?.degradation).toBeCloseTo(0.01, 15);
    expect(checkPerformance({ x: -0 }, { x: 0 }).metrics[0]?.degradation).toBe(0);
  });

  it('honours explicit directions and a custom threshold', () => {
    const r = checkPerformance(
      { turnover: 1, sharpe: 2 },
      { turnover: 1.08, sharpe: 1.9 },
      { threshold: 0.1, higherIsBetter: { turnover: false } },
    );
    expect(r.metrics.map((m) => [m.metric, m.higherIsBetter, m.drifted])).toEqual([
      ['turnover', false, false],
      ['sharpe', true, false],
    ]);
    expect(
      checkPerformance({ turnover: 1 }, { turnover: 1.08 }, { higherIsBetter: { turnover: false } })
        .drifted,
    ).toBe(true);
  });

  it('reports metrics missing on either side instead of throwing', () => {
    const r = checkPerformance({ sharpe: 1, auc: 0.7 }, { sharpe: 1, rmse: 0.1 });
    expect(r.metrics.map((m) => m.metric)).toEqual(['sharpe']);
    expect(r.missing).toEqual({ fromCurrent: ['auc'], fromBaseline: ['rmse'] });
  });

  it('validates its input and names the field', () => {
    expectValidation(
      () => checkPerformance({ sharpe: 1 }, { sharpe: Number.NaN }),
      'metrics.sharpe',
    );
    expectValidation(
      () => checkPerformance({ sharpe: Number.POSITIVE_INFINITY }, { sharpe: 1 }),
      'baseline.sharpe',
    );
    expectValidation(
      () => checkPerformance({ sharpe: 1 }, { sharpe: '1' as unknown as number }),
      'metrics.sharpe',
    );
    expectValidation(() => checkPerformance({}, {}, { threshold: -0.1 }), 'threshold');
    expectValidation(
      () => checkPerformance({}, {}, { higherIsBetter: { x: 1 as unknown as boolean } }),
      'higherIsBetter.x',
    );
    expectValidation(() => checkPerformance(null as never, {}), 'baseline');
  });
});
