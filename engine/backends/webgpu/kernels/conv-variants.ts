/**
 * Convolution variants of issue 13: average pooling with its backward (a gather: one invocation
 * per input element summing dy/count over the windows that contain it), and the grouped, dilated
 * convolution (depthwise is groups = inC) with its two gradients, one invocation per output,
 * input element or filter element, direct loops. conv2dTranspose needs no kernel of its own: it
 * is conv2d's input gradient (engine/ops/conv-variants.ts).
 */
import type { GroupedConv2DGeometry, Pool2DGeometry } from '../../backend.js';
import { sizeOf } from '../../backend.js';
import { threads, type Program } from '../launch.js';
import { family, type Params, type FamilyFacts } from './family.js';

const programs = {
  avgPool2d: threads('avgpool2d'),
  avgPool2dBackward: threads('avgpool2d_backward'),
  conv2dGrouped: threads('conv2d_grouped'),
  conv2dGroupedBackpropInput: threads('conv2d_grouped_backprop_input'),
  conv2dGroupedBackpropFilter: threads('conv2d_grouped_backprop_filter'),
} as const satisfies Record<string, Program>;

function poolParams(g: Pool2DGeometry, n: number): Params {
  return {
    n, inH: g.inH, inW: g.inW, channels: g.channels, outH: g.outH, outW: g.outW, poolH: g.poolH, poolW: g.poolW,
    strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft,
  };
}

function groupedParams(g: GroupedConv2DGeometry, n: number): Params {
  return {
    n, batch: g.batch, inH: g.inH, inW: g.inW, inC: g.inC, outH: g.outH, outW: g.outW, outC: g.outC, kH: g.kH, kW: g.kW,
    strideH: g.strideH, strideW: g.strideW, padTop: g.padTop, padLeft: g.padLeft, dilationH: g.dilationH, dilationW: g.dilationW,
    groups: g.groups,
  };
}

const GROUPED_CPU = 'engine/backends/cpu/conv-grouped.ts';
const BACKWARD = { none: 'a backward kernel (engine/ops/conv-variants.ts); not differentiated again' };

/**
 * Where each kernel of convVariants has its CPU twin and its gradient rule, checked by
 * test/kernel-coverage.test.ts. Nothing at run time reads them, so bundles leave them out.
 */
export const convVariantsFacts = {
  about: 'average pooling, and grouped / dilated / depthwise convolution',
  kernels: {
    avgPool2d: { cpu: 'engine/backends/cpu/avgpool.ts', gradient: 'engine/ops/pooling.ts' },
    avgPool2dBackward: { cpu: 'engine/backends/cpu/avgpool.ts', gradient: { none: "avgPool2d's backward (engine/ops/pooling.ts); not differentiated again" } },
    conv2dGrouped: { cpu: GROUPED_CPU, gradient: 'engine/ops/conv-variants.ts' },
    conv2dGroupedBackpropInput: { cpu: GROUPED_CPU, gradient: BACKWARD },
    conv2dGroupedBackpropFilter: { cpu: GROUPED_CPU, gradient: BACKWARD },
  },
} as const satisfies FamilyFacts;

export const convVariants = family<keyof typeof convVariantsFacts.kernels>({
  programs,
  table: (gpu) => ({
    avgPool2d: (x, g) => {
      const shape = [g.batch, g.outH, g.outW, g.channels];
      const y = gpu.out(shape, x.dtype, 'avgPool2d');
      gpu.launch(programs.avgPool2d, { threads: sizeOf(shape) }, { x: x.storage, y: y.storage }, poolParams(g, sizeOf(shape)));
      return y;
    },
    avgPool2dBackward: (dy, g) => {
      const shape = [g.batch, g.inH, g.inW, g.channels];
      const dx = gpu.out(shape, dy.dtype, 'avgPool2dBackward');
      gpu.launch(programs.avgPool2dBackward, { threads: sizeOf(shape) }, { dy: dy.storage, dx: dx.storage }, poolParams(g, sizeOf(shape)));
      return dx;
    },
    conv2dGrouped: (x, w, g) => {
      const shape = [g.batch, g.outH, g.outW, g.outC];
      const y = gpu.out(shape, x.dtype, 'conv2dGrouped');
      gpu.launch(programs.conv2dGrouped, { threads: sizeOf(shape) }, { x: x.storage, w: w.storage, y: y.storage }, groupedParams(g, sizeOf(shape)));
      return y;
    },
    conv2dGroupedBackpropInput: (dy, w, g) => {
      const shape = [g.batch, g.inH, g.inW, g.inC];
      const dx = gpu.out(shape, dy.dtype, 'conv2dGroupedBackpropInput');
      gpu.launch(programs.conv2dGroupedBackpropInput, { threads: sizeOf(shape) }, { dy: dy.storage, w: w.storage, dx: dx.storage }, groupedParams(g, sizeOf(shape)));
      return dx;
    },
    conv2dGroupedBackpropFilter: (x, dy, g) => {
      const shape = [g.kH, g.kW, g.inC / g.groups, g.outC];
      const dw = gpu.out(shape, x.dtype, 'conv2dGroupedBackpropFilter');
      gpu.launch(programs.conv2dGroupedBackpropFilter, { threads: sizeOf(shape) }, { x: x.storage, dy: dy.storage, dw: dw.storage }, groupedParams(g, sizeOf(shape)));
      return dw;
    },
  }),
});
