/**
 * Max pooling over NHWC windows. The kernel records, per output, where the first
 * maximum of its window lies (TensorFlow's convention), and backward routes dy
 * there, so every backend sends gradients to the same input.
 */
import { record } from '../autograd.js';
import type { Padding, Pool2DGeometry } from '../backends/backend.js';
import { isGradEnabled } from '../runtime.js';
import { Tensor } from '../tensor.js';
import { pool2dGeometry } from './geometry.js';
import { isReluOutput, markReluMasked, reluBackward } from './relu.js';
import { assertFloat, assertRank, checkPadding, positivePair } from './validate.js';

export interface MaxPool2DOptions {
  poolSize?: number | [number, number];
  /** Defaults to poolSize, as in Keras. */
  strides?: number | [number, number];
  padding?: Padding;
}

/** Checks a pooling op's input and options (Keras defaults) and resolves its window geometry. */
export function pool2dOf(op: string, x: Tensor, options: MaxPool2DOptions): Pool2DGeometry {
  assertRank(op, 'x', x, 4, 'NHWC');
  assertFloat(op, 'x', x);
  const poolSize = positivePair(op, 'poolSize', options.poolSize ?? 2);
  const strides = positivePair(op, 'strides', options.strides ?? poolSize);
  const padding = checkPadding(op, options.padding ?? 'valid');
  return pool2dGeometry(op, x.shape, poolSize, strides, padding);
}

export function maxPool2d(x: Tensor, options: MaxPool2DOptions = {}): Tensor {
  const op = 'maxPool2d';
  const geometry = pool2dOf(op, x, options);
  const k = x.backend.kernels;
  const { y, argmax } = k.maxPool2d(x.handle, geometry);
  if (!(isGradEnabled() && x.requiresGrad)) {
    x.backend.release(argmax.storage);
    return record(op, y, [x], () => [null]);
  }
  // The argmax indices live as long as the output's grad node needs them.
  const where = Tensor.fromHandle(argmax, x.backend);
  const overRelu = isReluOutput(x);
  const out: Tensor = record(
    op, y, [x],
    (dy) => {
      // Over a ReLU output, mask at the pooled size (pooled > 0 exactly where the chosen input
      // is), and the ReLU's backward skips its full-size mask (ops/relu.ts). `out` is live here:
      // autograd refuses a disposed loss, and a consumer of `out` refuses a disposed input.
      const routed = overRelu ? reluBackward(dy, out) : dy;
      const dx = Tensor.fromHandle(k.maxPool2dBackward(routed.handle, where.handle, geometry), x.backend);
      return [overRelu ? markReluMasked(dx, x) : dx];
    },
    [where],
  );
  return out;
}
