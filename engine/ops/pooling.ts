/**
 * Average pooling over NHWC windows (padded taps are not counted, as in TensorFlow) and the
 * global poolings of Keras (GlobalAveragePooling2D, GlobalMaxPooling2D): x [N, H, W, C] ->
 * [N, C], a mean or max reduction over H and W.
 */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { pool2dGeometry } from './geometry.js';
import type { MaxPool2DOptions } from './maxpool2d.js';
import { mean } from './reduce.js';
import { max } from './reductions.js';
import { assertFloat, assertRank, checkPadding, positivePair } from './validate.js';

export type AvgPool2DOptions = MaxPool2DOptions;

export function avgPool2d(x: Tensor, options: AvgPool2DOptions = {}): Tensor {
  const op = 'avgPool2d';
  assertRank(op, 'x', x, 4, 'NHWC');
  assertFloat(op, 'x', x);
  const poolSize = positivePair(op, 'poolSize', options.poolSize ?? 2);
  const strides = positivePair(op, 'strides', options.strides ?? poolSize);
  const padding = checkPadding(op, options.padding ?? 'valid');
  const geometry = pool2dGeometry(op, x.shape, poolSize, strides, padding);
  const k = x.backend.kernels;
  return record(op, k.avgPool2d(x.handle, geometry), [x], (dy) => [Tensor.fromHandle(k.avgPool2dBackward(dy.handle, geometry), x.backend)]);
}

export function globalAvgPool2d(x: Tensor): Tensor {
  assertRank('globalAvgPool2d', 'x', x, 4, 'NHWC');
  return mean(x, [1, 2]);
}

export function globalMaxPool2d(x: Tensor): Tensor {
  assertRank('globalMaxPool2d', 'x', x, 4, 'NHWC');
  return max(x, [1, 2]);
}
