/** Bad input to the ops of issue 13 gives errors that name the op, the shapes and what was expected. */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend } from '../engine/runtime.js';
import { tensor, zeros } from '../engine/tensor.js';
import { clip, sqrt } from '../engine/ops/math.js';
import { elu, leakyRelu } from '../engine/ops/activations.js';
import { maximum, pow } from '../engine/ops/binary-math.js';
import { less } from '../engine/ops/compare.js';
import { where } from '../engine/ops/where.js';
import { cast } from '../engine/ops/cast.js';
import { broadcastTo, expandDims, pad, slice, squeeze, tile, transpose } from '../engine/ops/shape.js';
import { concat, stack } from '../engine/ops/concat.js';
import { gather } from '../engine/ops/gather.js';
import { argmin, max, moments } from '../engine/ops/reductions.js';
import { batchMatmul } from '../engine/ops/batch-matmul.js';
import { avgPool2d, globalAvgPool2d } from '../engine/ops/pooling.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { conv2dTranspose, depthwiseConv2d } from '../engine/ops/conv-variants.js';
import { batchNorm, layerNorm } from '../engine/ops/normalization.js';
import { dropout } from '../engine/ops/dropout.js';
import { oneHot } from '../engine/ops/one-hot.js';
import { meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from '../engine/ops/losses.js';

beforeAll(() => setBackend(new CpuBackend('float32')));

const ints = (shape: number[]) => zeros(shape, 'int32');

describe('element-wise', () => {
  it('float-only ops refuse int32 and name the op', () => {
    expect(() => sqrt(ints([2, 3]))).toThrow('sqrt: expected x of a float dtype, got int32 (shape [2, 3])');
    expect(() => pow(ints([2]), ints([2]))).toThrow('pow: expected a of a float dtype, got int32 (shape [2])');
  });
  it('parameters and broadcasting', () => {
    expect(() => clip(zeros([2]), 1, 0)).toThrow('clip: min 1 must not exceed max 0 (x [2])');
    expect(() => leakyRelu(zeros([2]), NaN)).toThrow('leakyRelu: alpha must be a finite number, got NaN');
    expect(() => elu(zeros([2]), Infinity)).toThrow('elu: alpha must be a finite number, got Infinity');
    expect(() => maximum(zeros([2, 3]), zeros([4]))).toThrow('maximum: shapes [2, 3] and [4] cannot be broadcast (axis 1: 3 vs 4)');
    expect(() => less(zeros([2]), ints([2]))).toThrow('less: dtypes differ: float32 [2] vs int32 [2]');
  });
  it('where and cast', () => {
    expect(() => where(zeros([2]), zeros([2]), zeros([2]))).toThrow(
      'where: the condition must be int32 (0/1, as comparisons return), got float32 of shape [2]',
    );
    expect(() => where(ints([3]), zeros([2]), 0)).toThrow('where: shapes [3] and [2] cannot be broadcast (axis 0: 3 vs 2)');
    expect(() => cast(zeros([2]), 'bool' as never)).toThrow("cast: unknown dtype 'bool' for x [2] (expected float32, float64, int32)");
  });
});

describe('shape ops', () => {
  const x3 = () => zeros([2, 3, 4]);
  it('transpose, slice, pad, tile, broadcastTo', () => {
    const x = x3();
    expect(() => transpose(x, [0, 0, 1])).toThrow('transpose: perm [0, 0, 1] is not a permutation of the 3 axes of x [2, 3, 4]');
    expect(() => slice(x, [0, 2, 0], [1, 2, 4])).toThrow('slice: begin [0, 2, 0] size [1, 2, 4] falls outside x [2, 3, 4] (axis 1: 2 + 2 > 3)');
    expect(() => slice(x, [0, 0])).toThrow('slice: begin [0, 0] need one entry per axis of x [2, 3, 4]');
    expect(() => pad(x, [[1, 0], [0, -1], [0, 0]])).toThrow(
      'pad: paddings [[1,0],[0,-1],[0,0]] must hold one [before, after] pair of non-negative integers per axis of x [2, 3, 4]',
    );
    expect(() => tile(x, [1, 0, 1])).toThrow('tile: reps [1, 0, 1] must hold one positive integer per axis of x [2, 3, 4]');
    expect(() => broadcastTo(x, [2, 5, 4])).toThrow('broadcastTo: x [2, 3, 4] cannot be broadcast to [2, 5, 4]');
    expect(() => broadcastTo(x, [3, 4])).toThrow('broadcastTo: x [2, 3, 4] cannot be broadcast to [3, 4]');
  });
  it('squeeze, expandDims, concat, stack, gather', () => {
    const x = x3();
    expect(() => squeeze(x, 1)).toThrow('squeeze: axis 1 of x [2, 3, 4] has size 3, not 1');
    expect(() => expandDims(x, 5)).toThrow('expandDims: axis 5 is out of range for shape [2, 3, 4] (expected an integer in [-4, 3])');
    expect(() => concat([x, zeros([2, 3, 5])], 1)).toThrow('concat: shapes [2, 3, 4], [2, 3, 5] must agree on every axis but 1');
    expect(() => concat([x, ints([2, 3, 4])])).toThrow('concat: dtypes differ: float32 [2, 3, 4] vs int32 [2, 3, 4]');
    expect(() => concat([])).toThrow('concat: needs at least one tensor');
    expect(() => stack([x, zeros([2, 3])])).toThrow('stack: shapes [2, 3, 4], [2, 3] must be equal');
    expect(() => gather(x, [0, 2])).toThrow('gather: index 1 is 2, outside [0, 2) for x [2, 3, 4]');
    expect(() => gather(x, tensor([0], [1]), 1)).toThrow('gather: indices must be int32, got float32 of shape [1]');
    expect(() => gather(x, [0], 3)).toThrow('gather: axis 3 is out of range for x [2, 3, 4] (rank 3)');
  });
});

describe('reductions and linear algebra', () => {
  it('axes, empty reductions, batch shapes', () => {
    expect(() => max(zeros([2, 3]), 2)).toThrow('max: axis 2 is out of range for shape [2, 3] (rank 2)');
    expect(() => moments(zeros([0, 3]), 0)).toThrow('moments: reducing x [0, 3] over axes [0] has no elements');
    expect(() => argmin(ints([3]))).toThrow('argmin: expected x of a float dtype, got int32 (shape [3])');
    expect(() => batchMatmul(zeros([2, 3, 4]), zeros([2, 5, 4]))).toThrow('batchMatmul: inner dimensions differ: a [2, 3, 4] · b [2, 5, 4] (4 vs 5)');
    expect(() => batchMatmul(zeros([2, 3, 4]), zeros([3, 4, 5]))).toThrow('batchMatmul: shapes [2] and [3] cannot be broadcast (axis 0: 2 vs 3)');
    expect(() => batchMatmul(zeros([4]), zeros([4, 2]))).toThrow('batchMatmul: expected a and b of rank >= 2 ([...batch, rows, cols]), got a [4] and b [4, 2]');
  });
});

describe('neural-network ops', () => {
  it('pooling and convolution variants', () => {
    expect(() => avgPool2d(zeros([4, 4]))).toThrow('avgPool2d: expected x of rank 4 (NHWC), got shape [4, 4] (rank 2)');
    expect(() => avgPool2d(zeros([1, 2, 2, 1]), { poolSize: 3 })).toThrow("avgPool2d: a 3x3 pool with 'valid' padding does not fit the input [1, 2, 2, 1]");
    expect(() => globalAvgPool2d(zeros([2, 3]))).toThrow('globalAvgPool2d: expected x of rank 4 (NHWC), got shape [2, 3] (rank 2)');
    expect(() => conv2d(zeros([1, 5, 5, 4]), zeros([3, 3, 2, 3]), { groups: 2 })).toThrow(
      'conv2d: groups 2 must divide both the input channels of x [1, 5, 5, 4] (4) and the filter\'s outputs [3, 3, 2, 3] (3)',
    );
    expect(() => conv2d(zeros([1, 5, 5, 4]), zeros([3, 3, 4, 4]), { groups: 2 })).toThrow(
      'conv2d: input channels differ: x [1, 5, 5, 4] (NHWC) has 4 channels, so with 2 group(s) the filter [3, 3, 4, 4] needs 2 input channels, not 4',
    );
    expect(() => conv2d(zeros([1, 4, 4, 1]), zeros([3, 3, 1, 1]), { dilations: 2 })).toThrow(
      "conv2d: a 3x3 filter dilated to 5x5 with 'valid' padding does not fit the 4x4 input [1, 4, 4, 1]",
    );
    expect(() => conv2d(zeros([1, 4, 4, 1]), zeros([3, 3, 1, 1]), { dilations: 0 })).toThrow('conv2d: dilations must be a positive integer or a pair of them, got 0');
    expect(() => depthwiseConv2d(zeros([1, 5, 5, 3]), zeros([3, 3, 2, 1]))).toThrow(
      'depthwiseConv2d: input channels differ: x [1, 5, 5, 3] (NHWC) has 3 channels but the filter [3, 3, 2, 1] expects 2',
    );
    expect(() => conv2dTranspose(zeros([1, 3, 3, 2]), zeros([3, 3, 4, 3]))).toThrow(
      'conv2dTranspose: input channels differ: x [1, 3, 3, 2] has 2 channels but the filter [3, 3, 4, 3] ([kH, kW, outC, inC]) expects 3',
    );
    expect(() => conv2dTranspose(zeros([1, 3, 3, 2]), zeros([3, 3, 4, 2]), { outputShape: [1, 9, 9, 4] })).toThrow(
      "conv2dTranspose: outputShape [1, 9, 9, 4] with strides 1,1 and 'valid' padding convolves back to 7x7, not x's 3x3 (x [1, 3, 3, 2])",
    );
  });
  it('normalization, dropout, oneHot', () => {
    expect(() => batchNorm(zeros([2, 3]), { mean: zeros([2]), variance: zeros([3]) })).toThrow(
      'batchNorm: mean [2] must be [3], the channels (last axis) of x [2, 3]',
    );
    expect(() => layerNorm(zeros([2, 3]), { epsilon: 0 })).toThrow('layerNorm: epsilon must be positive, got 0');
    expect(() => layerNorm(zeros([2, 3]), { scale: zeros([2, 3]) })).toThrow('layerNorm: scale [2, 3] must be [3], the channels (last axis) of x [2, 3]');
    expect(() => dropout(zeros([4]), 1, 0)).toThrow('dropout: rate must be in [0, 1), got 1 (x [4])');
    expect(() => dropout(zeros([4]), 0.5, -1)).toThrow('dropout: seed must be an integer in [0, 2^32), got -1');
    expect(() => oneHot([1.5], 3)).toThrow('oneHot: index 0 is 1.5, expected an integer');
    expect(() => oneHot(zeros([2]), 3)).toThrow('oneHot: indices must be int32, got float32 of shape [2]');
    expect(() => oneHot([1], 0)).toThrow('oneHot: depth must be a positive integer, got 0');
  });
  it('losses', () => {
    expect(() => softmaxCrossEntropy(zeros([2, 3]), [0, 3])).toThrow('softmaxCrossEntropy: label 1 is 3, out of range for 3 classes (expected 0..2)');
    expect(() => softmaxCrossEntropy(zeros([2, 3]), [0, 1], { labelSmoothing: 1.5 })).toThrow('softmaxCrossEntropy: labelSmoothing must be in [0, 1], got 1.5');
    expect(() => softmaxCrossEntropy(zeros([2, 3]), [0, 1], { classWeights: [1, 2] })).toThrow(
      'softmaxCrossEntropy: 2 classWeights given for logits [2, 3] with 3 classes',
    );
    expect(() => softmaxCrossEntropy(zeros([2, 3]), [0, 1], { classWeights: zeros([2]) })).toThrow(
      'softmaxCrossEntropy: classWeights [2] must be [3] for logits [2, 3]',
    );
    expect(() => sigmoidCrossEntropy(zeros([2, 3]), zeros([3]))).toThrow('sigmoidCrossEntropy: logits [2, 3] and labels [3] must have the same shape');
    expect(() => meanSquaredError(zeros([2]), ints([2]))).toThrow('meanSquaredError: expected targets of a float dtype, got int32 (shape [2])');
  });
});
