/**
 * Classification metrics, as in the tutorial and sklearn: confusion matrix, per-class precision,
 * recall, F1 and support, their macro and weighted averages, accuracy, and a text report laid
 * out like sklearn's `classification_report`.
 *
 * Conventions:
 * - Confusion matrix: rows = true class, columns = predicted class (sklearn's `confusion_matrix`),
 *   so TP = diagonal, FP = column sum - TP, FN = row sum - TP.
 * - A ratio whose denominator is 0 is 0, not NaN: precision of a class never predicted
 *   (TP + FP = 0), recall of a class absent from y_true (TP + FN = 0), F1 when precision +
 *   recall = 0, accuracy of an empty set. This is the tutorial's `np.nan_to_num` and sklearn's
 *   `zero_division=0`.
 * - Averages run over all `numClasses` classes (sklearn with `labels=range(numClasses)`):
 *   macro = unweighted mean of the per-class values (a class with support 0 counts, with its 0s);
 *   weighted = mean weighted by support (0 when the total support is 0). Their `support` is the
 *   total number of samples. Macro F1 is the mean of the per-class F1s, not the F1 of the macro
 *   precision and recall.
 */

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of samples whose true class is this one (row sum of the confusion matrix). */
  support: number;
}

export interface ClassificationReport {
  /** confusion[t][p] = number of samples of true class t predicted as p. */
  confusion: number[][];
  perClass: ClassMetrics[];
  macro: ClassMetrics;
  weighted: ClassMetrics;
  accuracy: number;
  /** Total number of samples. */
  total: number;
}

function checkLabels(name: string, y: ArrayLike<number>, numClasses: number): void {
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= numClasses) {
      throw new Error(`${name}[${i}] = ${v} is not a class index in 0..${numClasses - 1}`);
    }
  }
}

/** Confusion matrix, rows = true class, columns = predicted class. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  if (yTrue.length !== yPred.length) throw new Error(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  checkLabels('yTrue', yTrue, numClasses);
  checkLabels('yPred', yPred, numClasses);
  const cm = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) cm[yTrue[i]!]![yPred[i]!]! += 1;
  return cm;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Per-class precision, recall, F1 and support from a confusion matrix (rows = true). */
export function perClassMetrics(confusion: number[][]): ClassMetrics[] {
  const n = confusion.length;
  const out: ClassMetrics[] = [];
  for (let c = 0; c < n; c++) {
    const tp = confusion[c]![c]!;
    let rowSum = 0;
    let colSum = 0;
    for (let k = 0; k < n; k++) {
      rowSum += confusion[c]![k]!;
      colSum += confusion[k]![c]!;
    }
    const precision = safeDiv(tp, colSum); // TP / (TP + FP)
    const recall = safeDiv(tp, rowSum); // TP / (TP + FN)
    const f1 = safeDiv(2 * precision * recall, precision + recall);
    out.push({ precision, recall, f1, support: rowSum });
  }
  return out;
}

/** Accuracy = trace / total (0 for an empty set). */
export function accuracyFromConfusion(confusion: number[][]): number {
  let trace = 0;
  let total = 0;
  for (let i = 0; i < confusion.length; i++) {
    const row = confusion[i]!;
    for (let j = 0; j < row.length; j++) {
      total += row[j]!;
      if (i === j) trace += row[j]!;
    }
  }
  return safeDiv(trace, total);
}

/** Fraction of positions where yTrue and yPred agree (0 for empty inputs). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw new Error(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  let hit = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hit++;
  return safeDiv(hit, yTrue.length);
}

/** Index of the largest value (the first wins ties), as np.argmax. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

/** Probabilities from one row of logits, computed stably (the row maximum subtracted). */
export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]!);
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Row-wise argmax of a row-major [rows, numClasses] array (first index wins ties). */
export function argmaxRows(values: ArrayLike<number>, numClasses: number): Int32Array {
  if (values.length % numClasses !== 0) throw new Error(`argmaxRows: length ${values.length} is not a multiple of ${numClasses}`);
  const rows = values.length / numClasses;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    let bestV = values[r * numClasses]!;
    for (let c = 1; c < numClasses; c++) {
      const v = values[r * numClasses + c]!;
      if (v > bestV) {
        bestV = v;
        best = c;
      }
    }
    out[r] = best;
  }
  return out;
}

/** Everything at once: confusion matrix, per-class metrics, macro/weighted averages, accuracy. */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): ClassificationReport {
  return reportFromConfusion(confusionMatrix(yTrue, yPred, numClasses));
}

/** The same report from an existing confusion matrix. */
export function reportFromConfusion(confusion: number[][]): ClassificationReport {
  const perClass = perClassMetrics(confusion);
  const n = perClass.length;
  const total = perClass.reduce((s, m) => s + m.support, 0);
  const mean = (f: (m: ClassMetrics) => number): number => safeDiv(perClass.reduce((s, m) => s + f(m), 0), n);
  const wmean = (f: (m: ClassMetrics) => number): number => safeDiv(perClass.reduce((s, m) => s + f(m) * m.support, 0), total);
  return {
    confusion,
    perClass,
    macro: { precision: mean((m) => m.precision), recall: mean((m) => m.recall), f1: mean((m) => m.f1), support: total },
    weighted: { precision: wmean((m) => m.precision), recall: wmean((m) => m.recall), f1: wmean((m) => m.f1), support: total },
    accuracy: accuracyFromConfusion(confusion),
    total,
  };
}

/**
 * The per-class table as text, laid out like sklearn's `classification_report`:
 *
 *                   precision    recall  f1-score   support
 *
 *       T-shirt/top      0.86      0.85      0.86      1000
 *       ...
 *
 *          accuracy                          0.91     10000
 *         macro avg      0.91      0.91      0.91     10000
 *      weighted avg      0.91      0.91      0.91     10000
 */
export function formatClassificationReport(report: ClassificationReport, classNames?: readonly string[], digits = 2): string {
  const names = report.perClass.map((_, i) => classNames?.[i] ?? String(i));
  const width = Math.max('weighted avg'.length, digits, ...names.map((s) => s.length));
  const col = (s: string): string => ' ' + s.padStart(9);
  const num = (v: number): string => col(v.toFixed(digits));
  const row = (name: string, m: ClassMetrics): string => name.padStart(width) + ' ' + num(m.precision) + num(m.recall) + num(m.f1) + col(String(m.support));
  const lines: string[] = [];
  lines.push(''.padStart(width) + ' ' + col('precision') + col('recall') + col('f1-score') + col('support'));
  lines.push('');
  names.forEach((name, i) => lines.push(row(name, report.perClass[i]!)));
  lines.push('');
  lines.push('accuracy'.padStart(width) + ' ' + col('') + col('') + num(report.accuracy) + col(String(report.total)));
  lines.push(row('macro avg', report.macro));
  lines.push(row('weighted avg', report.weighted));
  return lines.join('\n') + '\n';
}

/** The confusion matrix as an aligned text table (rows = true, columns = predicted). */
export function formatConfusionMatrix(confusion: number[][], classNames?: readonly string[]): string {
  const n = confusion.length;
  const names = Array.from({ length: n }, (_, i) => classNames?.[i] ?? String(i));
  const labelW = Math.max('true \\ pred'.length, ...names.map((s) => s.length));
  const cellW = Math.max(...names.map((s) => s.length), ...confusion.flat().map((v) => String(v).length));
  const lines = ['true \\ pred'.padEnd(labelW) + names.map((s) => ' ' + s.padStart(cellW)).join('')];
  confusion.forEach((row, i) => lines.push(names[i]!.padEnd(labelW) + row.map((v) => ' ' + String(v).padStart(cellW)).join('')));
  return lines.join('\n') + '\n';
}
