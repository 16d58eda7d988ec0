/**
 * Convolution variants, NHWC:
 * - groupedConv2d: dilation and groups (filter [kH, kW, inC/groups, outC]) on the grouped conv
 *   kernels; conv2d() routes here when dilations or groups are not 1.
 * - depthwiseConv2d: filter [kH, kW, inC, multiplier] (TensorFlow's layout), which is the grouped
 *   conv with groups = inC on the filter reshaped (no copy) to [kH, kW, 1, inC·multiplier]:
 *   output channel c·multiplier + m, TensorFlow's order.
 * - conv2dTranspose: filter [kH, kW, outC, inC] (TensorFlow's layout); its forward pass is
 *   conv2d's input gradient, its input gradient is conv2d, its filter gradient conv2d's filter
 *   gradient with the roles of x and dy swapped. The same kernels, so no WGSL of its own.
 */
import { record } from '../autograd.js';
import type { GroupedConv2DGeometry, Padding, Shape } from '../backends/backend.js';
import { Tensor } from '../tensor.js';
import { add } from './binary.js';
import { conv2dGeometry, windowOutput } from './geometry.js';
import { relu } from './relu.js';
import { reshapeShared } from './util.js';
import { assertFloat, assertRank, assertSameBackend, assertSameDType, checkPadding, fmt, positivePair } from './validate.js';

export interface GroupedConv2DOptions {
  strides?: number | [number, number];
  padding?: Padding;
  dilations?: number | [number, number];
  groups?: number;
  bias?: Tensor | null;
  activation?: 'linear' | 'relu';
}

export function groupedConv2dGeometry(
  op: string, xShape: Shape, wShape: Shape, strides: [number, number], padding: Padding, dilations: [number, number], groups: number,
): GroupedConv2DGeometry {
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, wInC, outC] = wShape;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  if (inC % groups !== 0 || outC % groups !== 0) {
    throw new Error(`${op}: groups ${groups} must divide both the input channels of x ${fmt(xShape)} (${inC}) and the filter's outputs ${fmt(wShape)} (${outC})`);
  }
  if (wInC * groups !== inC) {
    throw new Error(
      `${op}: input channels differ: x ${fmt(xShape)} (NHWC) has ${inC} channels, so with ${groups} group(s) the filter ${fmt(wShape)} needs ${inC / groups} input channels, not ${wInC}`,
    );
  }
  const effH = (kH - 1) * dilations[0] + 1;
  const effW = (kW - 1) * dilations[1] + 1;
  const h = windowOutput(inH, effH, strides[0], padding);
  const w = windowOutput(inW, effW, strides[1], padding);
  if (h.out < 1 || w.out < 1) {
    throw new Error(`${op}: a ${kH}x${kW} filter dilated to ${effH}x${effW} with '${padding}' padding does not fit the ${inH}x${inW} input ${fmt(xShape)}`);
  }
  return {
    batch, inH, inW, inC, outH: h.out, outW: w.out, outC, kH, kW, strideH: strides[0], strideW: strides[1],
    padTop: h.padBefore, padLeft: w.padBefore, dilationH: dilations[0], dilationW: dilations[1], groups,
  };
}

export function groupedConv2d(x: Tensor, filter: Tensor, options: GroupedConv2DOptions = {}, op = 'conv2d'): Tensor {
  assertRank(op, 'x', x, 4, 'NHWC');
  assertRank(op, 'filter', filter, 4, 'HWIO');
  assertFloat(op, 'x', x);
  assertSameBackend(op, [x, filter]);
  assertSameDType(op, [x, filter]);
  const strides = positivePair(op, 'strides', options.strides ?? 1);
  const dilations = positivePair(op, 'dilations', options.dilations ?? 1);
  const padding = checkPadding(op, options.padding ?? 'valid');
  const g = groupedConv2dGeometry(op, x.shape, filter.shape, strides, padding, dilations, options.groups ?? 1);
  const bias = options.bias ?? null;
  if (bias && (bias.rank !== 1 || bias.shape[0] !== g.outC)) {
    throw new Error(`${op}: bias ${fmt(bias.shape)} must be [${g.outC}] to match the filter ${fmt(filter.shape)}`);
  }
  const k = x.backend.kernels;
  let y = record(op, k.conv2dGrouped(x.handle, filter.handle, g), [x, filter], (dy, needs) => [
    needs[0] ? Tensor.fromHandle(k.conv2dGroupedBackpropInput(dy.handle, filter.handle, g), x.backend) : null,
    needs[1] ? Tensor.fromHandle(k.conv2dGroupedBackpropFilter(x.handle, dy.handle, g), x.backend) : null,
  ]);
  if (bias) y = add(y, bias);
  return options.activation === 'relu' ? relu(y) : y;
}

export interface DepthwiseConv2DOptions {
  strides?: number | [number, number];
  padding?: Padding;
  dilations?: number | [number, number];
  bias?: Tensor | null;
  activation?: 'linear' | 'relu';
}

export function depthwiseConv2d(x: Tensor, filter: Tensor, options: DepthwiseConv2DOptions = {}): Tensor {
  const op = 'depthwiseConv2d';
  assertRank(op, 'x', x, 4, 'NHWC');
  assertRank(op, 'filter', filter, 4, '[kH, kW, inC, multiplier]');
  const [kH, kW, c, mult] = filter.shape;
  if (c !== x.shape[3]) {
    throw new Error(`${op}: input channels differ: x ${fmt(x.shape)} (NHWC) has ${x.shape[3]} channels but the filter ${fmt(filter.shape)} expects ${c}`);
  }
  return groupedConv2d(x, reshapeShared(op, filter, [kH, kW, 1, c * mult]), { ...options, groups: c }, op);
}

export interface Conv2DTransposeOptions {
  strides?: number | [number, number];
  padding?: Padding;
  /** [N, H, W, outC]; default (H_in − 1)·s + k for 'valid', H_in·s for 'same' (Keras's Conv2DTranspose). */
  outputShape?: Shape;
}

export function conv2dTranspose(x: Tensor, filter: Tensor, options: Conv2DTransposeOptions = {}): Tensor {
  const op = 'conv2dTranspose';
  assertRank(op, 'x', x, 4, 'NHWC');
  assertRank(op, 'filter', filter, 4, '[kH, kW, outC, inC]');
  assertFloat(op, 'x', x);
  assertSameBackend(op, [x, filter]);
  assertSameDType(op, [x, filter]);
  const strides = positivePair(op, 'strides', options.strides ?? 1);
  const padding = checkPadding(op, options.padding ?? 'valid');
  const [batch, inH, inW, inC] = x.shape;
  const [kH, kW, outC, wInC] = filter.shape;
  if (wInC !== inC) {
    throw new Error(`${op}: input channels differ: x ${fmt(x.shape)} has ${inC} channels but the filter ${fmt(filter.shape)} ([kH, kW, outC, inC]) expects ${wInC}`);
  }
  const size = (n: number, k: number, s: number) => (padding === 'valid' ? (n - 1) * s + k : n * s);
  const outShape = options.outputShape ?? [batch, size(inH, kH, strides[0]), size(inW, kW, strides[1]), outC];
  if (outShape.length !== 4 || outShape[0] !== batch || outShape[3] !== outC) {
    throw new Error(`${op}: outputShape ${fmt(outShape)} must be [${batch}, H, W, ${outC}] for x ${fmt(x.shape)} and filter ${fmt(filter.shape)}`);
  }
  // The geometry of the conv2d whose input gradient this is: input outShape, output x.
  const g = conv2dGeometry(op, outShape, filter.shape, strides, padding);
  if (g.outH !== inH || g.outW !== inW) {
    throw new Error(
      `${op}: outputShape ${fmt(outShape)} with strides ${strides} and '${padding}' padding convolves back to ${g.outH}x${g.outW}, not x's ${inH}x${inW} (x ${fmt(x.shape)})`,
    );
  }
  const k = x.backend.kernels;
  return record(op, k.conv2dBackpropInput(x.handle, filter.handle, g), [x, filter], (dy, needs) => [
    needs[0] ? Tensor.fromHandle(k.conv2d(dy.handle, filter.handle, null, g, false), x.backend) : null,
    needs[1] ? Tensor.fromHandle(k.conv2dBackpropFilter(dy.handle, x.handle, g), x.backend) : null,
  ]);
}
