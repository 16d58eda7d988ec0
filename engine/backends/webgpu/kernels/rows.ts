/**
 * Kernels over the rows of a [rows, cols] matrix, one invocation per row (shaders/include/rows.wgsl):
 * argmax, countCorrect, softmax, logSoftmax, and the sparse softmax cross-entropy with its
 * backward.
 *
 * The cross-entropy kernels read int32 labels that may have been made on the GPU, where the host
 * cannot check them without a read-back. They never clamp a bad label: the row gets NaN, the
 * kernel records the row in the op's error slot and a one-invocation report kernel keeps the
 * first bad position and label since the last read; the next read() throws an Error naming the
 * op, the kernel, the batch position and the label (shaders/include/labels.wgsl).
 */
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type Gpu, type T, type FamilyFacts } from './family.js';
import { fillZero } from './memory.js';
import { sumRuns } from './reduce.js';
import { elementwise } from './elementwise.js';
import { LABEL_REPORT, launchCheckingLabels } from './labels.js';

const programs = {
  argmax: threads('argmax'),
  countCorrect: threads('count_correct'),
  softmax: threads('softmax'),
  logSoftmax: threads('log_softmax'),
  softmaxCrossEntropy: threads('softmax_xent'),
  softmaxCrossEntropyBackward: threads('softmax_xent_backward'),
  labelReport: LABEL_REPORT,
} as const satisfies Record<string, Program>;

const CPU = 'engine/backends/cpu/softmax.ts';
const NOT_DIFFERENTIABLE = { none: 'integer output' };

/**
 * Where each kernel of rows has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const rowsFacts = {
  about: 'row-wise argmax, softmax and cross-entropy',
  kernels: {
    argmax: { cpu: 'engine/backends/cpu/reduce.ts', gradient: NOT_DIFFERENTIABLE },
    countCorrect: { cpu: 'engine/backends/cpu/reduce.ts', gradient: NOT_DIFFERENTIABLE },
    softmax: { cpu: CPU, gradient: 'engine/ops/softmax.ts' },
    logSoftmax: { cpu: CPU, gradient: 'engine/ops/softmax.ts' },
    softmaxCrossEntropy: { cpu: CPU, gradient: 'engine/ops/cross-entropy.ts' },
    softmaxCrossEntropyBackward: { cpu: CPU, gradient: { none: "the cross-entropy's backward (engine/ops/cross-entropy.ts); not differentiated again" } },
  },
} as const satisfies FamilyFacts;

export const rows = family<keyof typeof rowsFacts.kernels>({
  programs,
  table: (gpu) => ({
    argmax: (x) => {
      const out = gpu.out(x.shape.slice(0, -1), 'int32', 'argmax');
      gpu.launch(programs.argmax, rowsOf(x), { x: x.storage, out: out.storage }, rowParams(x));
      return out;
    },
    countCorrect: (logits, labels) => {
      const out = gpu.out([], 'int32', 'countCorrect');
      fillZero(gpu, out);
      gpu.launch(programs.countCorrect, rowsOf(logits), { x: logits.storage, labels: labels.storage, count: out.storage }, rowParams(logits));
      return out;
    },
    softmax: (x) => rowMap(gpu, programs.softmax, x),
    logSoftmax: (x) => rowMap(gpu, programs.logSoftmax, x),
    softmaxCrossEntropy: (logits, labels) => {
      const [n, classes] = logits.shape;
      const probs = gpu.out(logits.shape, logits.dtype, 'softmaxCrossEntropy probs');
      const loss = gpu.out([], logits.dtype, 'softmaxCrossEntropy loss');
      const rowLoss = gpu.scratch(n, 'softmaxCrossEntropy rows');
      launchCheckingLabels(gpu, programs.softmaxCrossEntropy, { threads: n }, { x: logits.storage, probs: probs.storage, rowLoss }, { rows: n, cols: classes }, {
        kernel: 'softmaxCrossEntropy', labels: labels.storage, classes, op: 'sparseSoftmaxCrossEntropy',
      });
      const total = gpu.scratch(1, 'softmaxCrossEntropy total');
      sumRuns(gpu, rowLoss, [], [{ size: n, stride: 1 }], total);
      gpu.launch(elementwise.programs.scale, { threads: 1 }, { x: total, y: loss.storage }, { n: 1, factor: 1 / n });
      gpu.release(rowLoss);
      gpu.release(total);
      return { loss, probs };
    },
    softmaxCrossEntropyBackward: (probs, labels, dLoss) => {
      const [n, classes] = probs.shape;
      const d = gpu.out(probs.shape, probs.dtype, 'softmaxCrossEntropyBackward');
      const count = n * classes;
      launchCheckingLabels(gpu, programs.softmaxCrossEntropyBackward, { threads: count }, {
        probs: probs.storage, dLoss: dLoss.storage, dx: d.storage,
      }, { n: count, cols: classes, invRows: 1 / n }, {
        kernel: 'softmaxCrossEntropyBackward', labels: labels.storage, classes, op: 'sparseSoftmaxCrossEntropy backward',
      });
      return d;
    },
  }),
});

function colsOf(x: T): number {
  return x.shape[x.shape.length - 1];
}

function rowsOf(x: T): { threads: number } {
  const cols = colsOf(x);
  return { threads: cols === 0 ? 0 : sizeOf(x.shape) / cols };
}

function rowParams(x: T): { rows: number; cols: number } {
  return { rows: rowsOf(x).threads, cols: colsOf(x) };
}

function rowMap(gpu: Gpu, program: Program, x: T): T {
  const y = gpu.out(x.shape, x.dtype, program.shader);
  gpu.launch(program, rowsOf(x), { x: x.storage, y: y.storage }, rowParams(x));
  return y;
}
