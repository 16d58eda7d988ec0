import { describe, expect, it } from 'vitest';
import {
  accuracy,
  argmaxRows,
  classificationReport,
  confusionMatrix,
  formatClassificationReport,
  formatConfusionMatrix,
  perClassMetrics,
} from '../model/metrics.js';

/*
 * Hand-worked example: 4 classes, 11 samples. Class 3 is predicted once but never true
 * (recall 0/0 -> 0, precision 0/1 = 0).
 *
 *   yTrue = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]
 *   yPred = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1, 3]
 *
 * Confusion matrix (rows = true, columns = predicted):
 *   true 0: two 0s, one 1, one 2        -> [2, 1, 1, 0]   row sum 4
 *   true 1: one 0, two 1s                -> [1, 2, 0, 0]   row sum 3
 *   true 2: one 1, two 2s, one 3         -> [0, 1, 2, 1]   row sum 4
 *   true 3: nothing                      -> [0, 0, 0, 0]   row sum 0
 *   column sums: 3, 4, 3, 1
 *
 * TP = diagonal = 2, 2, 2, 0
 * precision = TP / column sum = 2/3, 2/4 = 1/2, 2/3, 0/1 = 0
 * recall    = TP / row sum    = 2/4 = 1/2, 2/3, 2/4 = 1/2, 0/0 -> 0
 * F1 = 2PR/(P+R):
 *   class 0: P=2/3, R=1/2: 2*(1/3)/(7/6) = (2/3)*(6/7) = 4/7
 *   class 1: P=1/2, R=2/3: same product and sum -> 4/7
 *   class 2: P=2/3, R=1/2 -> 4/7
 *   class 3: P+R = 0 -> 0
 * support = row sums = 4, 3, 4, 0; total 11
 * accuracy = trace / total = 6/11
 * macro precision = (2/3 + 1/2 + 2/3 + 0)/4 = (11/6)/4 = 11/24
 * macro recall    = (1/2 + 2/3 + 1/2 + 0)/4 = (5/3)/4  = 5/12
 * macro F1        = (3 * 4/7 + 0)/4 = 3/7
 * weighted precision = (4*2/3 + 3*1/2 + 4*2/3 + 0*0)/11 = (16/6 + 9/6 + 16/6)/11 = (41/6)/11 = 41/66
 * weighted recall    = (4*1/2 + 3*2/3 + 4*1/2)/11 = 6/11 (always equals accuracy)
 * weighted F1        = (4 + 3 + 4) * (4/7) / 11 = 4/7
 */
const yTrue = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2];
const yPred = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1, 3];

describe('confusion matrix', () => {
  it('rows are true classes, columns predicted', () => {
    expect(confusionMatrix(yTrue, yPred, 4)).toEqual([
      [2, 1, 1, 0],
      [1, 2, 0, 0],
      [0, 1, 2, 1],
      [0, 0, 0, 0],
    ]);
  });

  it('accepts typed arrays', () => {
    expect(confusionMatrix(Int32Array.from(yTrue), Uint8Array.from(yPred), 4)[2]).toEqual([0, 1, 2, 1]);
  });

  it('rejects bad input', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/yTrue has 2 labels but yPred has 1/);
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(/yTrue\[1\] = 2 is not a class index in 0\.\.1/);
    expect(() => confusionMatrix([0, 1], [0, 1.5], 2)).toThrow(/yPred\[1\] = 1\.5/);
  });
});

describe('precision, recall, F1, support', () => {
  const r = classificationReport(yTrue, yPred, 4);

  it('per class, by hand', () => {
    const expected = [
      { precision: 2 / 3, recall: 1 / 2, f1: 4 / 7, support: 4 },
      { precision: 1 / 2, recall: 2 / 3, f1: 4 / 7, support: 3 },
      { precision: 2 / 3, recall: 1 / 2, f1: 4 / 7, support: 4 },
      { precision: 0, recall: 0, f1: 0, support: 0 },
    ];
    r.perClass.forEach((m, i) => {
      expect(m.precision).toBeCloseTo(expected[i]!.precision, 12);
      expect(m.recall).toBeCloseTo(expected[i]!.recall, 12);
      expect(m.f1).toBeCloseTo(expected[i]!.f1, 12);
      expect(m.support).toBe(expected[i]!.support);
    });
  });

  it('accuracy, macro and weighted averages, by hand', () => {
    expect(r.accuracy).toBeCloseTo(6 / 11, 12);
    expect(accuracy(yTrue, yPred)).toBeCloseTo(6 / 11, 12);
    expect(r.total).toBe(11);
    expect(r.macro.precision).toBeCloseTo(11 / 24, 12);
    expect(r.macro.recall).toBeCloseTo(5 / 12, 12);
    expect(r.macro.f1).toBeCloseTo(3 / 7, 12);
    expect(r.macro.support).toBe(11);
    expect(r.weighted.precision).toBeCloseTo(41 / 66, 12);
    expect(r.weighted.recall).toBeCloseTo(6 / 11, 12);
    expect(r.weighted.f1).toBeCloseTo(4 / 7, 12);
    expect(r.weighted.support).toBe(11);
  });

  it('undefined ratios are 0, never NaN', () => {
    // Class 1 neither true nor predicted; class 0 always right.
    const m = perClassMetrics(confusionMatrix([0, 0], [0, 0], 2));
    expect(m[0]).toEqual({ precision: 1, recall: 1, f1: 1, support: 2 });
    expect(m[1]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    const empty = classificationReport([], [], 3);
    expect(empty.accuracy).toBe(0);
    expect(empty.weighted).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
    expect(accuracy([], [])).toBe(0);
  });
});

describe('text output', () => {
  it('formats the report like sklearn classification_report', () => {
    // width = len('weighted avg') = 12; each column is ' ' + 9 characters, right-aligned.
    // 6/11 = 0.545 -> 0.55; 11/24 = 0.458 -> 0.46; 5/12 = 0.417 -> 0.42; 3/7 = 0.429 -> 0.43;
    // 41/66 = 0.621 -> 0.62; 4/7 = 0.571 -> 0.57; 2/3 -> 0.67.
    const text = formatClassificationReport(classificationReport(yTrue, yPred, 4), ['a', 'b', 'c', 'd']);
    expect(text).toBe(
      [
        '              precision    recall  f1-score   support',
        '',
        '           a       0.67      0.50      0.57         4',
        '           b       0.50      0.67      0.57         3',
        '           c       0.67      0.50      0.57         4',
        '           d       0.00      0.00      0.00         0',
        '',
        '    accuracy                           0.55        11',
        '   macro avg       0.46      0.42      0.43        11',
        'weighted avg       0.62      0.55      0.57        11',
        '',
      ].join('\n'),
    );
  });

  it('widens the name column for long class names and honours digits', () => {
    const text = formatClassificationReport(classificationReport([0, 1], [0, 1], 2), ['T-shirt/top', 'Ankle boot (long)'], 4);
    expect(text.split('\n')[2]).toBe('      T-shirt/top     1.0000    1.0000    1.0000         1');
  });

  it('formats the confusion matrix', () => {
    expect(formatConfusionMatrix(confusionMatrix(yTrue, yPred, 4), ['a', 'b', 'c', 'd'])).toBe(
      ['true \\ pred a b c d', 'a           2 1 1 0', 'b           1 2 0 0', 'c           0 1 2 1', 'd           0 0 0 0', ''].join('\n'),
    );
  });
});

describe('argmaxRows', () => {
  it('takes the first maximum of each row', () => {
    expect(Array.from(argmaxRows(Float32Array.from([0.1, 0.7, 0.2, 0.5, 0.5, 0, 0, 0, 1]), 3))).toEqual([1, 0, 2]);
    expect(() => argmaxRows([1, 2, 3], 2)).toThrow(/not a multiple of 2/);
  });
});
