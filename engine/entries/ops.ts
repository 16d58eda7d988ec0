/**
 * `webgpu-tensor-engine/ops`: the op families of issue 13 (README, "Ops") beyond what the
 * tutorial CNN uses: math and activations, comparisons, shape and indexing ops, reductions,
 * batched matmul, pooling and convolution variants, normalization, dropout, one-hot and losses.
 * They work on the tensors and backends of the main entry (the kernels are in both backends).
 * @module webgpu-tensor-engine/ops
 */
export { sqrt, rsqrt, square, abs, sign, clip } from '../ops/math.js';
export { sigmoid, tanh, gelu, softplus, leakyRelu, elu, type GeluOptions } from '../ops/activations.js';
export { pow, maximum, minimum, squaredDifference } from '../ops/binary-math.js';
export { equal, notEqual, less, lessEqual, greater, greaterEqual } from '../ops/compare.js';
export { where } from '../ops/where.js';
export { cast } from '../ops/cast.js';
export { transpose, slice, pad, tile, broadcastTo, squeeze, expandDims } from '../ops/shape.js';
export { concat, stack } from '../ops/concat.js';
export { gather } from '../ops/gather.js';
export { max, min, logSumExp, moments, variance, argmin } from '../ops/reductions.js';
export { batchMatmul } from '../ops/batch-matmul.js';
export { avgPool2d, globalAvgPool2d, globalMaxPool2d, type AvgPool2DOptions } from '../ops/pooling.js';
export {
  groupedConv2d, depthwiseConv2d, conv2dTranspose,
  type GroupedConv2DOptions, type DepthwiseConv2DOptions, type Conv2DTransposeOptions,
} from '../ops/conv-variants.js';
export { batchNorm, batchNormTraining, layerNorm, type NormOptions, type BatchNormOptions } from '../ops/normalization.js';
export { dropout } from '../ops/dropout.js';
export { oneHot } from '../ops/one-hot.js';
export { softmaxCrossEntropy, sigmoidCrossEntropy, meanSquaredError, type SoftmaxCrossEntropyOptions } from '../ops/losses.js';
