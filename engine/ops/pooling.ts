/**
 * Average pooling over NHWC windows (padded taps are not counted, as in TensorFlow) and the
 * global poolings of Keras (GlobalAveragePooling2D, GlobalMaxPooling2D): x [N, H, W, C] ->
 * [N, C], a mean or max reduction over H and W.
 */
import { record } from '../autograd.js';
import { Tensor } from '../tensor.js';
import { type MaxPool2DOptions, pool2dOf } from './maxpool2d.js';
import { mean } from './reduce.js';
import { max } from './reductions.js';
import { assertRank } from './validate.js';

export type AvgPool2DOptions = MaxPool2DOptions;

export function avgPool2d(x: Tensor, options: AvgPool2DOptions = {}): Tensor {
  const op = 'avgPool2d';
  const geometry = pool2dOf(op, x, options);
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
