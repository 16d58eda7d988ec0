/**
 * Shape arithmetic shared by ops and backends: convolution and pooling output
 * sizes with TensorFlow's 'valid'/'same' padding, and NumPy broadcasting.
 */
import type { Conv2DGeometry, Padding, Pool2DGeometry, Shape } from '../backends/backend.js';
import { fmt } from './validate.js';

/** TensorFlow's rule: 'valid' = ceil((in - k + 1) / s); 'same' = ceil(in / s), padding split with the extra on the far side. */
export function windowOutput(
  inSize: number,
  window: number,
  stride: number,
  padding: Padding,
): { out: number; padBefore: number } {
  if (padding === 'valid') {
    return { out: Math.max(0, Math.ceil((inSize - window + 1) / stride)), padBefore: 0 };
  }
  const out = Math.ceil(inSize / stride);
  const padTotal = Math.max((out - 1) * stride + window - inSize, 0);
  return { out, padBefore: Math.floor(padTotal / 2) };
}

export function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

export function conv2dGeometry(
  op: string,
  xShape: Shape,
  wShape: Shape,
  strides: [number, number],
  padding: Padding,
): Conv2DGeometry {
  const [batch, inH, inW, inC] = xShape;
  const [kH, kW, wInC, outC] = wShape;
  if (wInC !== inC) {
    throw new Error(
      `${op}: input channels differ: x ${fmt(xShape)} (NHWC) has ${inC} channels but the filter ${fmt(wShape)} (HWIO) expects ${wInC}`,
    );
  }
  const h = windowOutput(inH, kH, strides[0], padding);
  const w = windowOutput(inW, kW, strides[1], padding);
  if (h.out < 1 || w.out < 1) {
    throw new Error(
      `${op}: a ${kH}x${kW} filter with '${padding}' padding does not fit the ${inH}x${inW} input ${fmt(xShape)}`,
    );
  }
  return {
    batch, inH, inW, inC, outH: h.out, outW: w.out, outC, kH, kW,
    strideH: strides[0], strideW: strides[1], padTop: h.padBefore, padLeft: w.padBefore,
  };
}

export function pool2dGeometry(
  op: string,
  xShape: Shape,
  poolSize: [number, number],
  strides: [number, number],
  padding: Padding,
): Pool2DGeometry {
  const [batch, inH, inW, channels] = xShape;
  const h = windowOutput(inH, poolSize[0], strides[0], padding);
  const w = windowOutput(inW, poolSize[1], strides[1], padding);
  if (h.out < 1 || w.out < 1) {
    throw new Error(`${op}: a ${poolSize[0]}x${poolSize[1]} pool with '${padding}' padding does not fit the input ${fmt(xShape)}`);
  }
  return {
    batch, inH, inW, channels, outH: h.out, outW: w.out, poolH: poolSize[0], poolW: poolSize[1],
    strideH: strides[0], strideW: strides[1], padTop: h.padBefore, padLeft: w.padBefore,
  };
}

/**
 * Whether every kH x kW window of a conv or pool lies inside its input: no padding, and the last
 * window ends in it ('valid' padding), so kernels need no position tests (both backends' 2x2
 * max-pools, the WebGPU 16 x 16 forward conv).
 */
export function windowsInside(g: Conv2DGeometry | Pool2DGeometry, kH: number, kW: number): boolean {
  return g.padTop === 0 && g.padLeft === 0 && (g.outH - 1) * g.strideH + kH <= g.inH && (g.outW - 1) * g.strideW + kW <= g.inW;
}

/** The NumPy broadcast of two shapes, or an error naming the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast (axis ${i}: ${da} vs ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Axes of `outShape` that were broadcast from `inShape` (to sum a gradient back), and the kept-dims result shape. */
export function broadcastReductionAxes(inShape: Shape, outShape: Shape): number[] {
  const offset = outShape.length - inShape.length;
  const axes: number[] = [];
  for (let i = 0; i < outShape.length; i++) {
    const d = i < offset ? 1 : inShape[i - offset];
    if (d === 1 && outShape[i] !== 1) axes.push(i);
  }
  return axes;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Whether two shapes are the same, axis for axis. */
export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Strides of `shape` seen in the frame of a broadcast output of rank `rank`:
 * 0 along axes that are broadcast (missing or of size 1), row-major otherwise.
 * Shared by every backend's broadcasting kernels.
 */
export function broadcastStrides(shape: Shape, rank: number): number[] {
  const s = new Array<number>(rank).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const axis = rank - shape.length + i;
    s[axis] = shape[i] === 1 ? 0 : acc;
    acc *= shape[i];
  }
  return s;
}
