/**
 * Fused normalisation kernels of issue 13, plus dropout and the weighted, smoothed softmax
 * cross-entropy rows (the kernels a training loop adds around its layers).
 * - batchNorm: one invocation per element (channel = last axis); its backward is a column pass
 *   (norm_column_sums: one invocation per channel summing Σdy and Σdy·x̂ over the rows) and an
 *   element pass for dx.
 * - layerNorm: one invocation per row (two passes for mean and variance, then y); its backward is
 *   a row pass for dx and the same column pass for the parameter gradients.
 * - dropout: the counter-based hash of engine/counter-hash.ts, the CPU's mask bit for bit.
 * - softmaxCrossEntropyRows: one invocation per row; labels already on the GPU are checked by the
 *   kernels (a bad one gives NaN and an error the next read throws, as rows.ts does).
 * Some of these bind 6-8 storage buffers (the portable limit is 8).
 */
import { sizeOf } from '../../backend.js';
import { dropThreshold, hashKey } from '../../../counter-hash.js';
import type { Program } from '../launch.js';
import { family } from './family.js';

const programs = {
  batchNorm: { shader: 'batch_norm', workgroup: 'elementwise', grid: 'threads' },
  batchNormBackward: { shader: 'batch_norm_backward', workgroup: 'elementwise', grid: 'threads' },
  normColumnSums: { shader: 'norm_column_sums', workgroup: 'elementwise', grid: 'threads' },
  layerNorm: { shader: 'layer_norm', workgroup: 'elementwise', grid: 'threads' },
  layerNormBackward: { shader: 'layer_norm_backward', workgroup: 'elementwise', grid: 'threads' },
  dropout: { shader: 'dropout', workgroup: 'elementwise', grid: 'threads' },
  softmaxCrossEntropyRows: { shader: 'softmax_xent_rows', workgroup: 'elementwise', grid: 'threads' },
  softmaxCrossEntropyRowsBackward: { shader: 'softmax_xent_rows_backward', workgroup: 'elementwise', grid: 'threads' },
} as const satisfies Record<string, Program>;

const NORM_CPU = 'engine/backends/cpu/normalization.ts';
const LOSS_CPU = 'engine/backends/cpu/losses.ts';

function badLabel(position: number, classes: number): string {
  return `softmaxCrossEntropy: the label at batch position ${position} is out of range for ${classes} classes (expected an integer in 0..${classes - 1}); ` +
    'the labels were already on the GPU, so the kernel found it and this read reports it (its loss and gradient are NaN)';
}

export const normalization = family({
  about: 'fused batch and layer norm, dropout, smoothed and weighted softmax cross-entropy rows',
  programs,
  kernels: {
    batchNorm: { cpu: NORM_CPU, gradient: 'engine/ops/normalization.ts' },
    batchNormBackward: { cpu: NORM_CPU, gradient: { none: "batchNorm's backward (engine/ops/normalization.ts); not differentiated again" } },
    layerNorm: { cpu: NORM_CPU, gradient: 'engine/ops/normalization.ts' },
    layerNormBackward: { cpu: NORM_CPU, gradient: { none: "layerNorm's backward (engine/ops/normalization.ts); not differentiated again" } },
    dropout: { cpu: 'engine/backends/cpu/dropout.ts', gradient: 'engine/ops/dropout.ts' },
    softmaxCrossEntropyRows: { cpu: LOSS_CPU, gradient: 'engine/ops/losses.ts' },
    softmaxCrossEntropyRowsBackward: { cpu: LOSS_CPU, gradient: { none: "the loss's backward (engine/ops/losses.ts); not differentiated again" } },
  },
  table: (gpu) => ({
    batchNorm: (x, mean, variance, scale, offset, epsilon) => {
      const y = gpu.out(x.shape, x.dtype, 'batchNorm');
      const n = sizeOf(x.shape);
      gpu.launch(programs.batchNorm, { threads: n }, {
        x: x.storage, mean: mean.storage, variance: variance.storage, scale: scale.storage, offset: offset.storage, y: y.storage,
      }, { n, C: mean.shape[0], epsilon });
      return y;
    },
    batchNormBackward: (dy, x, mean, variance, scale, epsilon, training) => {
      const C = mean.shape[0];
      const n = sizeOf(x.shape);
      const rows = C === 0 ? 0 : n / C;
      const dScale = gpu.out([C], x.dtype, 'batchNormBackward dScale');
      const dOffset = gpu.out([C], x.dtype, 'batchNormBackward dOffset');
      gpu.launch(programs.normColumnSums, { threads: C }, {
        dy: dy.storage, x: x.storage, mean: mean.storage, stat: variance.storage, dScale: dScale.storage, dOffset: dOffset.storage,
      }, { rows, C, mode: 0, epsilon });
      const dx = gpu.out(x.shape, x.dtype, 'batchNormBackward dx');
      gpu.launch(programs.batchNormBackward, { threads: n }, {
        dy: dy.storage, x: x.storage, mean: mean.storage, variance: variance.storage, scale: scale.storage,
        sumDyXhat: dScale.storage, sumDy: dOffset.storage, dx: dx.storage,
      }, { n, C, rows, training: training ? 1 : 0, epsilon });
      return { dx, dScale, dOffset };
    },
    layerNorm: (x, scale, offset, epsilon) => {
      const C = x.shape[x.shape.length - 1];
      const rowShape = x.shape.slice(0, -1);
      const rows = sizeOf(rowShape);
      const y = gpu.out(x.shape, x.dtype, 'layerNorm');
      const mean = gpu.out(rowShape, x.dtype, 'layerNorm mean');
      const rstd = gpu.out(rowShape, x.dtype, 'layerNorm rstd');
      gpu.launch(programs.layerNorm, { threads: rows }, {
        x: x.storage, scale: scale.storage, offset: offset.storage, y: y.storage, mean: mean.storage, rstd: rstd.storage,
      }, { rows, C, epsilon });
      return { y, mean, rstd };
    },
    layerNormBackward: (dy, x, mean, rstd, scale) => {
      const C = scale.shape[0];
      const rows = sizeOf(mean.shape);
      const dx = gpu.out(x.shape, x.dtype, 'layerNormBackward dx');
      gpu.launch(programs.layerNormBackward, { threads: rows }, {
        dy: dy.storage, x: x.storage, mean: mean.storage, rstd: rstd.storage, scale: scale.storage, dx: dx.storage,
      }, { rows, C });
      const dScale = gpu.out([C], x.dtype, 'layerNormBackward dScale');
      const dOffset = gpu.out([C], x.dtype, 'layerNormBackward dOffset');
      gpu.launch(programs.normColumnSums, { threads: C }, {
        dy: dy.storage, x: x.storage, mean: mean.storage, stat: rstd.storage, dScale: dScale.storage, dOffset: dOffset.storage,
      }, { rows, C, mode: 1, epsilon: 0 });
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
    softmaxCrossEntropyRows: (logits, labels, classWeights, labelSmoothing) => {
      const [rows, cols] = logits.shape;
      const rowLoss = gpu.out([rows], logits.dtype, 'softmaxCrossEntropyRows loss');
      const probs = gpu.out(logits.shape, logits.dtype, 'softmaxCrossEntropyRows probs');
      gpu.launch(programs.softmaxCrossEntropyRows, { threads: rows }, {
        x: logits.storage, labels: labels.storage, weights: (classWeights ?? logits).storage, rowLoss: rowLoss.storage, probs: probs.storage,
        labelError: gpu.errorWord('softmaxCrossEntropyRows', (at) => badLabel(at, cols)),
      }, { rows, cols, smoothing: labelSmoothing, hasWeights: classWeights ? 1 : 0 });
      return { rowLoss, probs };
    },
    softmaxCrossEntropyRowsBackward: (probs, labels, classWeights, labelSmoothing, dRowLoss) => {
      const [, cols] = probs.shape;
      const dx = gpu.out(probs.shape, probs.dtype, 'softmaxCrossEntropyRowsBackward');
      const n = sizeOf(probs.shape);
      gpu.launch(programs.softmaxCrossEntropyRowsBackward, { threads: n }, {
        probs: probs.storage, labels: labels.storage, weights: (classWeights ?? probs).storage, dRow: dRowLoss.storage, dx: dx.storage,
        labelError: gpu.errorWord('softmaxCrossEntropyRowsBackward', (at) => badLabel(at, cols)),
      }, { n, cols, smoothing: labelSmoothing, hasWeights: classWeights ? 1 : 0 });
      return dx;
    },
  }),
});
