import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { add } from '../engine/ops/binary.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { dense, matmul } from '../engine/ops/matmul.js';
import { maxPool2d } from '../engine/ops/maxpool2d.js';
import { reshape } from '../engine/ops/reshape.js';
import { sum } from '../engine/ops/reduce.js';
import { setBackend } from '../engine/runtime.js';
import { tensor, zeros } from '../engine/tensor.js';
import { gradients } from '../engine/autograd.js';
import { Dense, Flatten } from '../engine/nn/layers.js';
import { Sequential } from '../engine/nn/sequential.js';

describe('bad input gives errors that name the op, the shapes and what was expected', () => {
  beforeAll(() => setBackend(new CpuBackend('float32')));

  it('wrong ranks', () => {
    expect(() => conv2d(zeros([28, 28, 1]), zeros([3, 3, 1, 8]))).toThrow(
      'conv2d: expected x of rank 4 (NHWC), got shape [28, 28, 1] (rank 3)',
    );
    expect(() => conv2d(zeros([1, 28, 28, 1]), zeros([3, 3, 8]))).toThrow('conv2d: expected filter of rank 4 (HWIO), got shape [3, 3, 8] (rank 3)');
    expect(() => maxPool2d(zeros([4, 4]))).toThrow('maxPool2d: expected x of rank 4 (NHWC), got shape [4, 4] (rank 2)');
    expect(() => matmul(zeros([2, 3, 4]), zeros([4, 2]))).toThrow('matmul: expected a of rank 2, got shape [2, 3, 4] (rank 3)');
    expect(() => sparseSoftmaxCrossEntropy(zeros([10]), [1])).toThrow(
      'sparseSoftmaxCrossEntropy: expected logits of rank 2 ([batch, classes]), got shape [10] (rank 1)',
    );
  });

  it('mismatched channels and inner dimensions', () => {
    expect(() => conv2d(zeros([2, 8, 8, 3]), zeros([3, 3, 1, 4]))).toThrow(
      'conv2d: input channels differ: x [2, 8, 8, 3] (NHWC) has 3 channels but the filter [3, 3, 1, 4] (HWIO) expects 1',
    );
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow('matmul: inner dimensions differ: a [2, 3] · b [4, 5] (3 vs 4)');
    expect(() => dense(zeros([2, 3]), zeros([4, 5]))).toThrow('dense: x [2, 3] has 3 features but the kernel [4, 5] expects 4');
    expect(() => add(zeros([2, 3]), zeros([4]))).toThrow('add: shapes [2, 3] and [4] cannot be broadcast (axis 1: 3 vs 4)');
    expect(() => conv2d(zeros([1, 2, 2, 1]), zeros([3, 3, 1, 1]))).toThrow(/conv2d: a 3x3 filter with 'valid' padding does not fit the 2x2 input \[1, 2, 2, 1\]/);
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow('reshape: cannot reshape [2, 3] (6 values) to [4, 2] (8 values)');
    expect(() => sum(zeros([2, 3]), 2)).toThrow('sum: axis 2 is out of range for shape [2, 3] (rank 2)');
  });

  it('labels out of range, non-integer, of the wrong dtype or count', () => {
    const logits = zeros([3, 10]);
    expect(() => sparseSoftmaxCrossEntropy(logits, [0, 10, 2])).toThrow(
      'sparseSoftmaxCrossEntropy: label 1 is 10, out of range for 10 classes (expected 0..9)',
    );
    expect(() => sparseSoftmaxCrossEntropy(logits, [0, -1, 2])).toThrow('label 1 is -1, out of range');
    expect(() => sparseSoftmaxCrossEntropy(logits, [0, 1.5, 2])).toThrow(
      'sparseSoftmaxCrossEntropy: label 1 is 1.5, expected an integer class index in [0, 10)',
    );
    expect(() => sparseSoftmaxCrossEntropy(logits, tensor([0, 1, 2], [3]))).toThrow(
      'sparseSoftmaxCrossEntropy: expected int32 labels, got float32 labels of shape [3]',
    );
    expect(() => sparseSoftmaxCrossEntropy(logits, [0, 1])).toThrow('sparseSoftmaxCrossEntropy: logits have batch 3 but 2 labels were given');
    expect(() => sparseSoftmaxCrossEntropy(logits, tensor([0, 12, 1], [3], 'int32'))).toThrow('label 1 is 12, out of range for 10 classes');
  });

  it('a disposed tensor and a loss without parameters', () => {
    const t = zeros([2]);
    t.dispose();
    expect(() => add(t, t)).toThrow(/add: tensor \d+ of shape \[2\] was disposed/);
    expect(() => gradients(sum(zeros([2])), [])).toThrow(/does not depend on any tensor that requires gradients/);
  });

  it('a model applied to an empty batch says so, instead of a Dense feature mismatch', () => {
    const model = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense({ units: 3 })], { seed: 1 });
    model.build();
    expect(() => model.apply(zeros([0, 2, 2]))).toThrow(/: the batch is empty \(input \[0, 2, 2\]\); expected at least one sample/);
  });
});
