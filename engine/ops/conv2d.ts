/**
 * 2-D convolution, NHWC input and HWIO filter (Keras's layouts), with optional
 * bias and a fused ReLU. Backward: the bias gradient is dy summed over N, H, W;
 * the input and filter gradients are their own kernels.
 */
import { record } from '../autograd.js';
import type { Padding } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { groupedConv2d } from './conv-variants.js';
import { conv2dGeometry } from './geometry.js';
import { markReluOutput, reluBackward } from './relu.js';
import { assertFloat, assertRank, assertSameBackend, assertSameDType, checkPadding, fmt, positivePair } from './validate.js';

export interface Conv2DOptions {
  strides?: number | [number, number];
  padding?: Padding;
  bias?: Tensor | null;
  /** 'relu' fuses the activation into the kernel. */
  activation?: 'linear' | 'relu';
  /** Dilation rate; other than 1 (or groups other than 1) uses the grouped conv kernels (conv-variants.ts). */
  dilations?: number | [number, number];
  /** Filter [kH, kW, inC / groups, outC]. */
  groups?: number;
}

export function conv2d(x: Tensor, filter: Tensor, options: Conv2DOptions = {}): Tensor {
  const op = 'conv2d';
  const dilations = positivePair(op, 'dilations', options.dilations ?? 1);
  if ((options.groups ?? 1) !== 1 || dilations[0] !== 1 || dilations[1] !== 1) return groupedConv2d(x, filter, options);
  assertRank(op, 'x', x, 4, 'NHWC');
  assertRank(op, 'filter', filter, 4, 'HWIO');
  assertFloat(op, 'x', x);
  // A 0x0 (or 0-filter) filter would give an output of the wrong size, silently.
  if (filter.shape.some((d) => d < 1)) throw new Error(`${op}: the filter ${fmt(filter.shape)} (HWIO) must have every dimension >= 1`);
  const strides = positivePair(op, 'strides', options.strides ?? 1);
  const padding = checkPadding(op, options.padding ?? 'valid');
  const bias = options.bias ?? null;
  const inputs = bias ? [x, filter, bias] : [x, filter];
  assertSameBackend(op, inputs);
  assertSameDType(op, inputs);
  const geometry = conv2dGeometry(op, x.shape, filter.shape, strides, padding);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== geometry.outC)) {
    throw new Error(`${op}: bias ${fmt(bias.shape)} must be [${geometry.outC}] to match the filter ${fmt(filter.shape)}`);
  }
  const relu = options.activation === 'relu';
  const k = x.backend.kernels;
  const y: Tensor = record(op, k.conv2d(x.handle, filter.handle, bias?.handle ?? null, geometry, relu), inputs, (dyIn, needs) => {
    const dy = relu ? reluBackward(dyIn, y) : dyIn;
    const dx = needs[0] ? Tensor.fromHandle(k.conv2dBackpropInput(dy.handle, filter.handle, geometry), x.backend) : null;
    const dw = needs[1] ? Tensor.fromHandle(k.conv2dBackpropFilter(x.handle, dy.handle, geometry), x.backend) : null;
    const grads = [dx, dw];
    if (bias) grads.push(needs[2] ? Tensor.fromHandle(k.sum(dy.handle, [0, 1, 2], [geometry.outC]), x.backend) : null);
    return grads;
  });
  return relu ? markReluOutput(y) : y;
}
