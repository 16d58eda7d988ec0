/**
 * Fused normalisation kernels of issue 13, plus dropout and the weighted, smoothed softmax
 * cross-entropy rows (the kernels a training loop adds around its layers).
 * - batchNorm: a pass per channel packs [mean | rstd | scale·rstd | offset]
 *   (batch_norm_coefficients), then one invocation per element (channel = last axis); its
 *   backward is a column pass (norm_column_sums: one invocation per channel summing Σdy and
 *   Σdy·x̂ over the rows) and an element pass for dx.
 * - layerNorm: one invocation per row (two passes for mean and variance, then y); its backward is
 *   a row pass for dx and the same column pass for the parameter gradients.
 * - dropout: the counter-based hash of engine/counter-hash.ts, the CPU's mask bit for bit.
 * - softmaxCrossEntropyRows: one invocation per row; labels already on the GPU are checked by the
 *   kernels (a bad one gives NaN and an error the next read throws, as rows.ts does).
 * Every program binds at most 5 storage buffers (packing the per-channel coefficients is what
 * keeps batch norm there).
 */
import { sizeOf } from '../../backend.js';
import { dropThreshold, hashKey } from '../../../counter-hash.js';
import { threads, type Program } from '../launch.js';
import { family, type Gpu, type GPUStorage, type T, type FamilyFacts } from './family.js';
import { launchCheckingLabels } from './labels.js';

const programs = {
  batchNormCoefficients: threads('batch_norm_coefficients'),
  batchNorm: threads('batch_norm'),
  batchNormBackward: threads('batch_norm_backward'),
  normColumnSums: threads('norm_column_sums'),
  layerNorm: threads('layer_norm'),
  layerNormBackward: threads('layer_norm_backward'),
  dropout: threads('dropout'),
  softmaxCrossEntropyRows: threads('softmax_xent_rows'),
  softmaxCrossEntropyRowsBackward: threads('softmax_xent_rows_backward'),
} as const satisfies Record<string, Program>;

const NORM_CPU = 'engine/backends/cpu/normalization.ts';
const LOSS_CPU = 'engine/backends/cpu/losses.ts';

/** The per-channel coefficient blocks [mean | rstd | scale·rstd | offset] of batch_norm_coefficients.wgsl. */
function batchNormCoefficients(gpu: Gpu, mean: T, variance: T, scale: T, offset: T, epsilon: number): GPUStorage {
  const C = mean.shape[0];
  const coef = gpu.scratch(4 * C, 'batchNorm coefficients');
  gpu.launch(programs.batchNormCoefficients, { threads: C }, {
    mean: mean.storage, variance: variance.storage, scale: scale.storage, offset: offset.storage, coef,
  }, { n: C, epsilon });
  return coef;
}

/** Elements [first, first + count) of a float32 range, as a range of its own (for copies). */
function part(s: GPUStorage, first: number, count: number): GPUStorage {
  return { buffer: s.buffer, byteOffset: s.byteOffset + 4 * first, byteSize: 4 * count, owned: false };
}

/** Σdy·x̂ and Σdy per column into dScale and dOffset (norm_column_sums.wgsl, then two copies). */
function columnSums(gpu: Gpu, dy: T, x: T, stats: GPUStorage, rows: number, C: number, mode: 0 | 1): { sums: GPUStorage; dScale: T; dOffset: T } {
  const sums = gpu.scratch(2 * C, 'norm column sums');
  gpu.launch(programs.normColumnSums, { threads: C }, { dy: dy.storage, x: x.storage, stats, sums }, { rows, C, mode });
  const dScale = gpu.out([C], x.dtype, 'dScale');
  const dOffset = gpu.out([C], x.dtype, 'dOffset');
  if (C > 0) {
    gpu.copy(part(sums, 0, C), dScale.storage, 4 * C);
    gpu.copy(part(sums, C, C), dOffset.storage, 4 * C);
  }
  return { sums, dScale, dOffset };
}

/**
 * Where each kernel of normalization has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const normalizationFacts = {
  about: 'fused batch and layer norm, dropout, smoothed softmax cross-entropy rows',
  kernels: {
    batchNorm: { cpu: NORM_CPU, gradient: 'engine/ops/normalization.ts' },
    batchNormBackward: { cpu: NORM_CPU, gradient: { none: "batchNorm's backward (engine/ops/normalization.ts); not differentiated again" } },
    layerNorm: { cpu: NORM_CPU, gradient: 'engine/ops/normalization.ts' },
    layerNormBackward: { cpu: NORM_CPU, gradient: { none: "layerNorm's backward (engine/ops/normalization.ts); not differentiated again" } },
    dropout: { cpu: 'engine/backends/cpu/dropout.ts', gradient: 'engine/ops/dropout.ts' },
    softmaxCrossEntropyRows: { cpu: LOSS_CPU, gradient: 'engine/ops/cross-entropy.ts' },
    softmaxCrossEntropyRowsBackward: { cpu: LOSS_CPU, gradient: { none: "the loss's backward (engine/ops/cross-entropy.ts); not differentiated again" } },
  },
} as const satisfies FamilyFacts;

export const normalization = family<keyof typeof normalizationFacts.kernels>({
  programs,
  table: (gpu) => ({
    batchNorm: (x, mean, variance, scale, offset, epsilon) => {
      const y = gpu.out(x.shape, x.dtype, 'batchNorm');
      const n = sizeOf(x.shape);
      const coef = batchNormCoefficients(gpu, mean, variance, scale, offset, epsilon);
      gpu.launch(programs.batchNorm, { threads: n }, { x: x.storage, coef, y: y.storage }, { n, C: mean.shape[0] });
      gpu.release(coef);
      return y;
    },
    batchNormBackward: (dy, x, mean, variance, scale, epsilon, training) => {
      const C = mean.shape[0];
      const n = sizeOf(x.shape);
      const rows = C === 0 ? 0 : n / C;
      // The offset block of the coefficients is not read here: scale stands in for it.
      const coef = batchNormCoefficients(gpu, mean, variance, scale, scale, epsilon);
      const { sums, dScale, dOffset } = columnSums(gpu, dy, x, coef, rows, C, 0);
      const dx = gpu.out(x.shape, x.dtype, 'batchNormBackward dx');
      gpu.launch(programs.batchNormBackward, { threads: n }, { dy: dy.storage, x: x.storage, coef, sums, dx: dx.storage }, {
        n, C, rows, training: training ? 1 : 0,
      });
      gpu.release(coef);
      gpu.release(sums);
      return { dx, dScale, dOffset };
    },
    layerNorm: (x, scale, offset, epsilon) => {
      const C = x.shape[x.shape.length - 1];
      const rowShape = x.shape.slice(0, -1);
      const rows = sizeOf(rowShape);
      const y = gpu.out(x.shape, x.dtype, 'layerNorm');
      const stats = gpu.out([...rowShape, 2], x.dtype, 'layerNorm stats');
      gpu.launch(programs.layerNorm, { threads: rows }, {
        x: x.storage, scale: scale.storage, offset: offset.storage, y: y.storage, stats: stats.storage,
      }, { rows, cols: C, epsilon });
      return { y, stats };
    },
    layerNormBackward: (dy, x, stats, scale) => {
      const C = scale.shape[0];
      const rows = sizeOf(stats.shape) / 2;
      const dx = gpu.out(x.shape, x.dtype, 'layerNormBackward dx');
      gpu.launch(programs.layerNormBackward, { threads: rows }, {
        dy: dy.storage, x: x.storage, stats: stats.storage, scale: scale.storage, dx: dx.storage,
      }, { rows, cols: C });
      const { sums, dScale, dOffset } = columnSums(gpu, dy, x, stats.storage, rows, C, 1);
      gpu.release(sums);
      return { dx, dScale, dOffset };
    },
    dropout: (x, rate, seed) => {
      const y = gpu.out(x.shape, x.dtype, 'dropout');
      const n = sizeOf(x.shape);
      gpu.launch(programs.dropout, { threads: n }, { x: x.storage, y: y.storage }, {
        n, key: hashKey(seed), threshold: dropThreshold(rate), keepScale: 1 / (1 - rate),
      });
      return y;
    },
    softmaxCrossEntropyRows: (logits, labels, labelSmoothing) => {
      const [rows, cols] = logits.shape;
      const rowLoss = gpu.out([rows], logits.dtype, 'softmaxCrossEntropyRows loss');
      const probs = gpu.out(logits.shape, logits.dtype, 'softmaxCrossEntropyRows probs');
      launchCheckingLabels(gpu, programs.softmaxCrossEntropyRows, { threads: rows }, {
        x: logits.storage, probs: probs.storage, rowLoss: rowLoss.storage,
      }, { rows, cols, smoothing: labelSmoothing }, { kernel: 'softmaxCrossEntropyRows', labels: labels.storage, classes: cols, op: 'softmaxCrossEntropy' });
      return { rowLoss, probs };
    },
    softmaxCrossEntropyRowsBackward: (probs, labels, labelSmoothing, dRowLoss) => {
      const [, cols] = probs.shape;
      const dx = gpu.out(probs.shape, probs.dtype, 'softmaxCrossEntropyRowsBackward');
      const n = sizeOf(probs.shape);
      launchCheckingLabels(gpu, programs.softmaxCrossEntropyRowsBackward, { threads: n }, {
        probs: probs.storage, dRow: dRowLoss.storage, dx: dx.storage,
      }, { n, cols, smoothing: labelSmoothing }, {
        kernel: 'softmaxCrossEntropyRowsBackward', labels: labels.storage, classes: cols, op: 'softmaxCrossEntropy backward',
      });
      return dx;
    },
  }),
});
