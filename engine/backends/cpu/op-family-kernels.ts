/**
 * The CPU backend's entries for the op families of OpFamilySignatures (issue 13): output
 * allocation and the mapping of TensorData to arrays; the kernels live in math.ts,
 * indexing.ts, reductions.ts, batch-matmul.ts, avgpool.ts, conv-grouped.ts, normalization.ts,
 * dropout.ts, augment.ts and losses.ts. cpu-backend.ts spreads this table into its own.
 */
import type { DType, OpFamilyTable, Shape, TensorData, TypedArray } from '../backend.js';
import { sizeOf } from '../backend.js';
import { augment } from './augment.js';
import { avgPool2d, avgPool2dBackward } from './avgpool.js';
import { batchMatmul } from './batch-matmul.js';
import { conv2dGrouped, conv2dGroupedBackpropFilter, conv2dGroupedBackpropInput } from './conv-grouped.js';
import { dropout } from './dropout.js';
import type { FloatArray } from './gemm.js';
import { concat, copyIndexMap, gather, gatherBackward, oneHot } from './indexing.js';
import { softmaxCrossEntropyRows, softmaxCrossEntropyRowsBackward } from './losses.js';
import { binaryMath, cast, compare, unaryMath, unaryMathBackward, where } from './math.js';
import { batchNorm, batchNormBackward, layerNorm, layerNormBackward } from './normalization.js';
import { moments, reduce } from './reductions.js';

type T = TensorData<TypedArray>;

/** Allocates a zeroed array counted by the backend. */
export type CpuAlloc = (shape: Shape, dtype: DType) => T;

const f = (t: T): FloatArray => t.storage as FloatArray;
const i32 = (t: T): Int32Array => t.storage as Int32Array;

/** x.shape[:axis], x.shape[axis], x.shape[axis+1:] as counts. */
function aroundAxis(shape: Shape, axis: number): { outer: number; rows: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), rows: shape[axis], inner: sizeOf(shape.slice(axis + 1)) };
}

export function opFamilyKernels(alloc: CpuAlloc): OpFamilyTable<TypedArray> {
  return {
    unaryMath: (x, op, alpha, beta) => {
      const y = alloc(x.shape, x.dtype);
      unaryMath(f(x), op, alpha, beta, f(y));
      return y;
    },
    unaryMathBackward: (dy, x, op, alpha, beta) => {
      const dx = alloc(x.shape, x.dtype);
      unaryMathBackward(f(dy), f(x), op, alpha, beta, f(dx));
      return dx;
    },
    binaryMath: (a, b, op, outShape) => {
      const y = alloc(outShape, a.dtype);
      binaryMath(f(a), a.shape, f(b), b.shape, op, outShape, f(y));
      return y;
    },
    compare: (a, b, op, outShape) => {
      const y = alloc(outShape, 'int32');
      compare(a.storage, a.shape, b.storage, b.shape, op, outShape, i32(y));
      return y;
    },
    where: (cond, a, b, outShape) => {
      const y = alloc(outShape, a.dtype);
      where(i32(cond), cond.shape, a.storage, a.shape, b.storage, b.shape, outShape, y.storage);
      return y;
    },
    cast: (x, dtype) => {
      const y = alloc(x.shape, dtype);
      cast(x.storage, dtype, y.storage);
      return y;
    },
    copyIndexMap: (x, map) => {
      const y = alloc(map.outShape, x.dtype);
      copyIndexMap(x.storage, map, y.storage);
      return y;
    },
    concat: (xs, axis, outShape) => {
      const y = alloc(outShape, xs[0].dtype);
      concat(xs.map((t) => ({ data: t.storage, shape: t.shape })), axis, outShape, y.storage);
      return y;
    },
    reduce: (x, op, axes, outShape) => {
      const y = alloc(outShape, op === 'argmax' || op === 'argmin' ? 'int32' : x.dtype);
      reduce(f(x), x.shape, op, axes, y.storage);
      return y;
    },
    moments: (x, axes, outShape) => {
      const mean = alloc(outShape, x.dtype);
      const variance = alloc(outShape, x.dtype);
      moments(f(x), x.shape, axes, f(mean), f(variance));
      return { mean, variance };
    },
    batchMatmul: (a, b, transposeA, transposeB, outShape) => {
      const c = alloc(outShape, a.dtype);
      batchMatmul(f(a), a.shape, f(b), b.shape, transposeA, transposeB, outShape, f(c));
      return c;
    },
    avgPool2d: (x, g) => {
      const y = alloc([g.batch, g.outH, g.outW, g.channels], x.dtype);
      avgPool2d(f(x), g, f(y));
      return y;
    },
    avgPool2dBackward: (dy, g) => {
      const dx = alloc([g.batch, g.inH, g.inW, g.channels], dy.dtype);
      avgPool2dBackward(f(dy), g, f(dx));
      return dx;
    },
    conv2dGrouped: (x, w, g) => {
      const y = alloc([g.batch, g.outH, g.outW, g.outC], x.dtype);
      conv2dGrouped(f(x), f(w), g, f(y));
      return y;
    },
    conv2dGroupedBackpropInput: (dy, w, g) => {
      const dx = alloc([g.batch, g.inH, g.inW, g.inC], dy.dtype);
      conv2dGroupedBackpropInput(f(dy), f(w), g, f(dx));
      return dx;
    },
    conv2dGroupedBackpropFilter: (x, dy, g) => {
      const dw = alloc([g.kH, g.kW, g.inC / g.groups, g.outC], x.dtype);
      conv2dGroupedBackpropFilter(f(x), f(dy), g, f(dw));
      return dw;
    },
    batchNorm: (x, mean, variance, scale, offset, epsilon) => {
      const y = alloc(x.shape, x.dtype);
      batchNorm(f(x), f(mean), f(variance), f(scale), f(offset), epsilon, f(y));
      return y;
    },
    batchNormBackward: (dy, x, mean, variance, scale, epsilon, training) => {
      const dx = alloc(x.shape, x.dtype);
      const dScale = alloc(mean.shape, x.dtype);
      const dOffset = alloc(mean.shape, x.dtype);
      batchNormBackward(f(dy), f(x), f(mean), f(variance), f(scale), epsilon, training, f(dx), f(dScale), f(dOffset));
      return { dx, dScale, dOffset };
    },
    layerNorm: (x, scale, offset, epsilon) => {
      const y = alloc(x.shape, x.dtype);
      const stats = alloc([...x.shape.slice(0, -1), 2], x.dtype);
      layerNorm(f(x), f(scale), f(offset), epsilon, f(y), f(stats));
      return { y, stats };
    },
    layerNormBackward: (dy, x, stats, scale) => {
      const dx = alloc(x.shape, x.dtype);
      const dScale = alloc(scale.shape, x.dtype);
      const dOffset = alloc(scale.shape, x.dtype);
      layerNormBackward(f(dy), f(x), f(stats), f(scale), f(dx), f(dScale), f(dOffset));
      return { dx, dScale, dOffset };
    },
    dropout: (x, rate, seed) => {
      const y = alloc(x.shape, x.dtype);
      dropout(f(x), rate, seed, f(y));
      return y;
    },
    augment: (x, params) => {
      const y = alloc(x.shape, x.dtype);
      augment(f(x), x.shape, params, f(y));
      return y;
    },
    oneHot: (indices, depth, onValue, offValue, dtype) => {
      const y = alloc([...indices.shape, depth], dtype);
      oneHot(i32(indices), depth, onValue, offValue, y.storage);
      return y;
    },
    gather: (x, indices, axis) => {
      const { outer, rows, inner } = aroundAxis(x.shape, axis);
      const y = alloc([...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)], x.dtype);
      gather(x.storage, i32(indices), outer, rows, inner, y.storage);
      return y;
    },
    gatherBackward: (dy, indices, axis, xShape) => {
      const { outer, rows, inner } = aroundAxis(xShape, axis);
      const dx = alloc(xShape, dy.dtype);
      gatherBackward(dy.storage, i32(indices), outer, rows, inner, dx.storage);
      return dx;
    },
    softmaxCrossEntropyRows: (logits, labels, labelSmoothing) => {
      const [rows, classes] = logits.shape;
      const rowLoss = alloc([rows], logits.dtype);
      const probs = alloc(logits.shape, logits.dtype);
      softmaxCrossEntropyRows(f(logits), i32(labels), labelSmoothing, classes, f(rowLoss), f(probs));
      return { rowLoss, probs };
    },
    softmaxCrossEntropyRowsBackward: (probs, labels, labelSmoothing, dRowLoss) => {
      const dx = alloc(probs.shape, probs.dtype);
      softmaxCrossEntropyRowsBackward(f(probs), i32(labels), labelSmoothing, probs.shape[1], f(dRowLoss), f(dx));
      return dx;
    },
  };
}
