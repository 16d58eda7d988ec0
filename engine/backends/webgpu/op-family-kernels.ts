/**
 * The WebGPU backend's entries for the op families of OpFamilySignatures (issue 13): buffer
 * allocation, uniform parameters and the dispatch of each kernel family's WGSL program
 * (shaders/<name>.wgsl). It reaches the backend through the small `GpuLauncher` interface, which
 * webgpu-backend.ts builds from its own dispatch, allocation and fill methods.
 *
 * Limits: broadcasting and index-map kernels take rank <= 8; reductions <= 4 runs of kept and of
 * reduced axes after adjacent axes are merged; batched matmul <= 4 batch axes of size > 1.
 */
import type {
  BinaryMathOp, CompareOp, DType, GroupedConv2DGeometry, OpFamilyTable, Pool2DGeometry, ReduceOp, Shape, TensorData, UnaryMathOp,
} from '../backend.js';
import { sizeOf } from '../backend.js';
import { dropThreshold, hashKey } from '../../counter-hash.js';
import { broadcastStrides } from '../../ops/geometry.js';
import type { ShaderName } from './shaders.generated.js';

/** A range of a GPU buffer (the backend's GPUStorage). */
export interface GpuRange {
  readonly buffer: GPUBuffer;
  readonly byteOffset: number;
  readonly byteSize: number;
  readonly owned: boolean;
}

type T = TensorData<GpuRange>;
type Params = Record<string, number | readonly number[]>;

export interface GpuLauncher {
  /** A new output of `shape` (contents undefined until a kernel writes them). */
  out(shape: Shape, dtype: DType, what: string): T;
  /** One dispatch of ceil(count / workgroup size) workgroups (folded into 2-D/3-D as needed). */
  run1d(kernel: ShaderName, count: number, buffers: Record<string, GpuRange>, params: Params): void;
  fill(s: GpuRange, count: number, dtype: DType, value: number): void;
}

const UNARY_MATH_CODES: Record<UnaryMathOp, number> = {
  sqrt: 0, rsqrt: 1, square: 2, abs: 3, sign: 4, sigmoid: 5, tanh: 6, geluTanh: 7, geluErf: 8,
  softplus: 9, leakyRelu: 10, elu: 11, clip: 12,
};
const BINARY_MATH_CODES: Record<BinaryMathOp, number> = { pow: 0, maximum: 1, minimum: 2, squaredDifference: 3, sigmoidCrossEntropy: 4 };
const COMPARE_CODES: Record<CompareOp, number> = { equal: 0, notEqual: 1, less: 2, lessEqual: 3, greater: 4, greaterEqual: 5 };
const REDUCE_CODES: Record<ReduceOp, number> = { max: 0, min: 1, logSumExp: 2, argmax: 3, argmin: 4 };

const pad8 = (v: readonly number[]): number[] => [...v, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, 8);
const pad4 = (v: readonly number[]): number[] => [...v, 0, 0, 0, 0].slice(0, 4);

/** A value's 32-bit pattern in `dtype` (uniforms that kernels copy as raw words). */
function bitsOf(value: number, dtype: DType): number {
  const dv = new DataView(new ArrayBuffer(4));
  if (dtype === 'int32') dv.setInt32(0, value, true);
  else dv.setFloat32(0, value, true);
  return dv.getUint32(0, true);
}

function checkRank(kernel: string, shape: Shape, max: number): void {
  if (shape.length > max) throw new Error(`webgpu ${kernel}: rank ${shape.length} (shape [${shape}]) > ${max} is not supported`);
}

/** Strides of each input broadcast to outShape, for the rank-8 broadcasting kernels. */
function broadcastParams(kernel: string, outShape: Shape, inputs: Record<string, Shape>): Params {
  checkRank(kernel, outShape, 8);
  const rank = outShape.length;
  const params: Params = { n: sizeOf(outShape), rank, shape: pad8(outShape) };
  for (const [name, shape] of Object.entries(inputs)) params[name] = pad8(broadcastStrides(shape, rank));
  return params;
}

const sameShape = (a: Shape, b: Shape) => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The kept and reduced axes of a reduction, adjacent axes of one kind merged (outer first), as
 * size/stride runs the reduce and moments kernels index x with.
 */
function reductionRuns(kernel: string, shape: Shape, axes: readonly number[]): Params {
  const dims: { size: number; stride: number; red: boolean }[] = [];
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const size = shape[i];
    const red = axes.includes(i);
    if (size !== 1) {
      const inner = dims[0];
      if (inner && inner.red === red && inner.stride * inner.size === stride) inner.size *= size;
      else dims.unshift({ size, stride, red });
    }
    stride *= size;
  }
  const kept = dims.filter((d) => !d.red);
  const red = dims.filter((d) => d.red);
  if (kept.length > 4 || red.length > 4) {
    throw new Error(`webgpu ${kernel}: shape [${shape}] over axes [${axes}] is too fragmented (more than 4 runs of kept or reduced axes)`);
  }
  return {
    outSize: kept.reduce((n, d) => n * d.size, 1),
    redSize: red.reduce((n, d) => n * d.size, 1),
    keptRank: kept.length, redRank: red.length,
    keptShape: pad4(kept.map((d) => d.size)), keptStrides: pad4(kept.map((d) => d.stride)),
    redShape: pad4(red.map((d) => d.size)), redStrides: pad4(red.map((d) => d.stride)),
  };
}

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

export function opFamilyKernels(gpu: GpuLauncher): OpFamilyTable<GpuRange> {
  const elementwise = (kernel: ShaderName, shape: Shape, dtype: DType, buffers: (out: GpuRange) => Record<string, GpuRange>, params: Params): T => {
    const out = gpu.out(shape, dtype, kernel);
    const n = sizeOf(shape);
    gpu.run1d(kernel, n, buffers(out.storage), { n, ...params });
    return out;
  };

  return {
    unaryMath: (x, op, alpha, beta) =>
      elementwise('unary_math', x.shape, x.dtype, (y) => ({ x: x.storage, y }), { op: UNARY_MATH_CODES[op], alpha, beta }),
    unaryMathBackward: (dy, x, op, alpha, beta) =>
      elementwise('unary_math_backward', x.shape, x.dtype, (dx) => ({ dy: dy.storage, x: x.storage, dx }), { op: UNARY_MATH_CODES[op], alpha, beta }),
    binaryMath: (a, b, op, outShape) => {
      const out = gpu.out(outShape, a.dtype, 'binaryMath');
      const params = broadcastParams('binaryMath', outShape, { aStrides: a.shape, bStrides: b.shape });
      const contiguous = sameShape(a.shape, outShape) && sameShape(b.shape, outShape) ? 1 : 0;
      gpu.run1d('binary_math', sizeOf(outShape), { a: a.storage, b: b.storage, out: out.storage }, { ...params, op: BINARY_MATH_CODES[op], contiguous });
      return out;
    },
    compare: (a, b, op, outShape) => {
      const out = gpu.out(outShape, 'int32', 'compare');
      const params = broadcastParams('compare', outShape, { aStrides: a.shape, bStrides: b.shape });
      const contiguous = sameShape(a.shape, outShape) && sameShape(b.shape, outShape) ? 1 : 0;
      gpu.run1d('compare', sizeOf(outShape), { a: a.storage, b: b.storage, out: out.storage }, {
        ...params, op: COMPARE_CODES[op], contiguous, isInt: a.dtype === 'int32' ? 1 : 0,
      });
      return out;
    },
    where: (cond, a, b, outShape) => {
      const out = gpu.out(outShape, a.dtype, 'where');
      const params = broadcastParams('where', outShape, { condStrides: cond.shape, aStrides: a.shape, bStrides: b.shape });
      gpu.run1d('where', sizeOf(outShape), { cond: cond.storage, a: a.storage, b: b.storage, out: out.storage }, params);
      return out;
    },
    cast: (x, dtype) => {
      const out = gpu.out(x.shape, dtype, 'cast');
      gpu.run1d('cast', sizeOf(x.shape), { x: x.storage, y: out.storage }, { n: sizeOf(x.shape), mode: dtype === 'int32' ? 0 : 1 });
      return out;
    },
    copyIndexMap: (x, map) => {
      checkRank('copyIndexMap', map.outShape, 8);
      const out = gpu.out(map.outShape, x.dtype, 'copyIndexMap');
      const n = sizeOf(map.outShape);
      let wrapMask = 0;
      map.axes.forEach((a, d) => (wrapMask |= a.wrap ? 1 << d : 0));
      gpu.run1d('copy_index_map', n, { x: x.storage, out: out.storage }, {
        n, rank: map.outShape.length, padValue: bitsOf(map.padValue, x.dtype), wrapMask,
        outShape: pad8(map.outShape), start: pad8(map.axes.map((a) => a.start)), step: pad8(map.axes.map((a) => a.step)),
        inDim: pad8(map.axes.map((a) => a.inDim)), inStride: pad8(map.axes.map((a) => a.inStride)),
      });
      return out;
    },
    concat: (xs, axis, outShape) => {
      const out = gpu.out(outShape, xs[0].dtype, 'concat');
      const inner = sizeOf(outShape.slice(axis + 1));
      const outRow = outShape[axis] * inner;
      let offset = 0;
      for (const x of xs) {
        const band = x.shape[axis] * inner;
        const n = sizeOf(x.shape);
        if (n > 0) gpu.run1d('concat', n, { x: x.storage, out: out.storage }, { n, band, outRow, offset });
        offset += band;
      }
      return out;
    },
    reduce: (x, op, axes, outShape) => {
      const arg = op === 'argmax' || op === 'argmin';
      const out = gpu.out(outShape, arg ? 'int32' : x.dtype, 'reduce');
      const runs = reductionRuns('reduce', x.shape, axes);
      gpu.run1d('reduce', runs.outSize as number, { x: x.storage, out: out.storage }, { ...runs, op: REDUCE_CODES[op] });
      return out;
    },
    moments: (x, axes, outShape) => {
      const mean = gpu.out(outShape, x.dtype, 'moments mean');
      const variance = gpu.out(outShape, x.dtype, 'moments variance');
      const runs = reductionRuns('moments', x.shape, axes);
      gpu.run1d('moments', runs.outSize as number, { x: x.storage, mean: mean.storage, variance: variance.storage }, runs);
      return { mean, variance };
    },
    batchMatmul: (a, b, transposeA, transposeB, outShape) => {
      const c = gpu.out(outShape, a.dtype, 'batchMatmul');
      const [M, N] = outShape.slice(-2);
      const [aR, aC] = a.shape.slice(-2);
      const [bR, bC] = b.shape.slice(-2);
      const K = transposeA ? aR : aC;
      const batch = outShape.slice(0, -2);
      const aStrides = broadcastStrides(a.shape.slice(0, -2), batch.length).map((s) => s * aR * aC);
      const bStrides = broadcastStrides(b.shape.slice(0, -2), batch.length).map((s) => s * bR * bC);
      // Batch axes of size 1 contribute nothing: drop them, so up to 4 real ones fit.
      const keep = batch.map((_, i) => i).filter((i) => batch[i] !== 1);
      if (keep.length > 4) throw new Error(`webgpu batchMatmul: ${keep.length} batch axes of size > 1 (output [${outShape}]); at most 4 are supported`);
      const blocksX = Math.ceil(N / 4);
      const blocksY = Math.ceil(M / 4);
      const batches = sizeOf(batch);
      if (M * N === 0) return c;
      if (K === 0) {
        gpu.fill(c.storage, sizeOf(outShape), a.dtype, 0);
        return c;
      }
      gpu.run1d('batch_matmul', blocksX * blocksY * batches, { a: a.storage, b: b.storage, c: c.storage }, {
        M, N, K, blocksX, blocksY, batches, batchRank: keep.length,
        aRow: transposeA ? 1 : aC, aCol: transposeA ? aC : 1, bRow: transposeB ? 1 : bC, bCol: transposeB ? bC : 1,
        batchShape: pad4(keep.map((i) => batch[i])), aBatchStrides: pad4(keep.map((i) => aStrides[i])), bBatchStrides: pad4(keep.map((i) => bStrides[i])),
      });
      return c;
    },
    avgPool2d: (x, g) => {
      const shape = [g.batch, g.outH, g.outW, g.channels];
      const y = gpu.out(shape, x.dtype, 'avgPool2d');
      gpu.run1d('avgpool2d', sizeOf(shape), { x: x.storage, y: y.storage }, poolParams(g, sizeOf(shape)));
      return y;
    },
    avgPool2dBackward: (dy, g) => {
      const shape = [g.batch, g.inH, g.inW, g.channels];
      const dx = gpu.out(shape, dy.dtype, 'avgPool2dBackward');
      gpu.run1d('avgpool2d_backward', sizeOf(shape), { dy: dy.storage, dx: dx.storage }, poolParams(g, sizeOf(shape)));
      return dx;
    },
    conv2dGrouped: (x, w, g) => {
      const shape = [g.batch, g.outH, g.outW, g.outC];
      const y = gpu.out(shape, x.dtype, 'conv2dGrouped');
      gpu.run1d('conv2d_grouped', sizeOf(shape), { x: x.storage, w: w.storage, y: y.storage }, groupedParams(g, sizeOf(shape)));
      return y;
    },
    conv2dGroupedBackpropInput: (dy, w, g) => {
      const shape = [g.batch, g.inH, g.inW, g.inC];
      const dx = gpu.out(shape, dy.dtype, 'conv2dGroupedBackpropInput');
      gpu.run1d('conv2d_grouped_backprop_input', sizeOf(shape), { dy: dy.storage, w: w.storage, dx: dx.storage }, groupedParams(g, sizeOf(shape)));
      return dx;
    },
    conv2dGroupedBackpropFilter: (x, dy, g) => {
      const shape = [g.kH, g.kW, g.inC / g.groups, g.outC];
      const dw = gpu.out(shape, x.dtype, 'conv2dGroupedBackpropFilter');
      gpu.run1d('conv2d_grouped_backprop_filter', sizeOf(shape), { x: x.storage, dy: dy.storage, dw: dw.storage }, groupedParams(g, sizeOf(shape)));
      return dw;
    },
    batchNorm: (x, mean, variance, scale, offset, epsilon) => {
      const C = mean.shape[0];
      return elementwise('batch_norm', x.shape, x.dtype, (y) => ({
        x: x.storage, mean: mean.storage, variance: variance.storage, scale: scale.storage, offset: offset.storage, y,
      }), { C, epsilon });
    },
    batchNormBackward: (dy, x, mean, variance, scale, epsilon, training) => {
      const C = mean.shape[0];
      const n = sizeOf(x.shape);
      const rows = C === 0 ? 0 : n / C;
      const dScale = gpu.out([C], x.dtype, 'batchNormBackward dScale');
      const dOffset = gpu.out([C], x.dtype, 'batchNormBackward dOffset');
      gpu.run1d('norm_column_sums', C, {
        dy: dy.storage, x: x.storage, mean: mean.storage, stat: variance.storage, dScale: dScale.storage, dOffset: dOffset.storage,
      }, { rows, C, mode: 0, epsilon });
      const dx = gpu.out(x.shape, x.dtype, 'batchNormBackward dx');
      gpu.run1d('batch_norm_backward', n, {
        dy: dy.storage, x: x.storage, mean: mean.storage, variance: variance.storage, scale: scale.storage,
        sumDyXhat: dScale.storage, sumDy: dOffset.storage, dx: dx.storage,
      }, { n, C, rows, training: training ? 1 : 0, epsilon });
      return { dx, dScale, dOffset };
    },
    layerNorm: (x, scale, offset, epsilon) => {
      const C = x.shape[x.shape.length - 1];
      const rowShape = x.shape.slice(0, -1);
      const rows = sizeOf(rowShape);
      const y = gpu.out(x.shape, x.dtype, 'layerNorm');
      const mean = gpu.out(rowShape, x.dtype, 'layerNorm mean');
      const rstd = gpu.out(rowShape, x.dtype, 'layerNorm rstd');
      gpu.run1d('layer_norm', rows, {
        x: x.storage, scale: scale.storage, offset: offset.storage, y: y.storage, mean: mean.storage, rstd: rstd.storage,
      }, { rows, C, epsilon });
      return { y, mean, rstd };
    },
    layerNormBackward: (dy, x, mean, rstd, scale) => {
      const C = scale.shape[0];
      const rows = sizeOf(mean.shape);
      const dx = gpu.out(x.shape, x.dtype, 'layerNormBackward dx');
      gpu.run1d('layer_norm_backward', rows, {
        dy: dy.storage, x: x.storage, mean: mean.storage, rstd: rstd.storage, scale: scale.storage, dx: dx.storage,
      }, { rows, C });
      const dScale = gpu.out([C], x.dtype, 'layerNormBackward dScale');
      const dOffset = gpu.out([C], x.dtype, 'layerNormBackward dOffset');
      gpu.run1d('norm_column_sums', C, {
        dy: dy.storage, x: x.storage, mean: mean.storage, stat: rstd.storage, dScale: dScale.storage, dOffset: dOffset.storage,
      }, { rows, C, mode: 1, epsilon: 0 });
      return { dx, dScale, dOffset };
    },
    dropout: (x, rate, seed) =>
      elementwise('dropout', x.shape, x.dtype, (y) => ({ x: x.storage, y }), {
        key: hashKey(seed), threshold: dropThreshold(rate), keepScale: 1 / (1 - rate),
      }),
    oneHot: (indices, depth, onValue, offValue, dtype) =>
      elementwise('one_hot', [...indices.shape, depth], dtype, (out) => ({ indices: indices.storage, out }), {
        depth, onValue: bitsOf(onValue, dtype), offValue: bitsOf(offValue, dtype),
      }),
    gather: (x, indices, axis) => {
      const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
      return elementwise('gather', shape, x.dtype, (out) => ({ x: x.storage, indices: indices.storage, out }), {
        count: sizeOf(indices.shape), rows: x.shape[axis], inner: sizeOf(x.shape.slice(axis + 1)),
      });
    },
    gatherBackward: (dy, indices, axis, xShape) =>
      elementwise('gather_backward', xShape, dy.dtype, (dx) => ({ dy: dy.storage, indices: indices.storage, dx }), {
        count: sizeOf(indices.shape), rows: xShape[axis], inner: sizeOf(xShape.slice(axis + 1)),
      }),
    softmaxCrossEntropyRows: (logits, labels, classWeights, labelSmoothing) => {
      const [rows, cols] = logits.shape;
      const rowLoss = gpu.out([rows], logits.dtype, 'softmaxCrossEntropyRows loss');
      const probs = gpu.out(logits.shape, logits.dtype, 'softmaxCrossEntropyRows probs');
      gpu.run1d('softmax_xent_rows', rows, {
        logits: logits.storage, labels: labels.storage, weights: (classWeights ?? logits).storage, rowLoss: rowLoss.storage, probs: probs.storage,
      }, { rows, cols, smoothing: labelSmoothing, hasWeights: classWeights ? 1 : 0 });
      return { rowLoss, probs };
    },
    softmaxCrossEntropyRowsBackward: (probs, labels, classWeights, labelSmoothing, dRowLoss) =>
      elementwise('softmax_xent_rows_backward', probs.shape, probs.dtype, (dx) => ({
        probs: probs.storage, labels: labels.storage, weights: (classWeights ?? probs).storage, dRow: dRowLoss.storage, dx,
      }), { cols: probs.shape[1], smoothing: labelSmoothing, hasWeights: classWeights ? 1 : 0 }),
  };
}
