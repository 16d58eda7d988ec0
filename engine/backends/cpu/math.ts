/**
 * Element-wise math of the CPU backend (issue 13's families): unary math and activations with
 * their derivatives, float binary ops, comparisons (int32 0/1), where and cast. Values are
 * computed in float64 and stored into the output array (rounded once for float32). The
 * formulas are the ones the WGSL kernels use (shaders/unary_math.wgsl and friends), written
 * in their numerically stable forms: sigmoid without overflow, gelu-tanh as x·sigmoid(2u),
 * gelu-erf through erfc, softplus as max(x, 0) + log1p(exp(-|x|)).
 */
import type { BinaryMathOp, CompareOp, DType, Shape, TypedArray, UnaryMathOp } from '../backend.js';
import { broadcastStrides } from '../../ops/geometry.js';
import type { FloatArray } from './gemm.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** erfc(z) for z >= 2.5 by its continued fraction (relative accuracy ~1e-15 there). */
function erfcTail(z: number): number {
  // erfc(z) = exp(-z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated bottom-up.
  let f = z;
  for (let k = 60; k >= 1; k--) f = z + k / 2 / f;
  return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
}

/** The error function to float64 accuracy: Taylor series below 2.5, the erfc continued fraction above. */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z >= 6) return Math.sign(x);
  if (z >= 2.5) return Math.sign(x) * (1 - erfcTail(z));
  const x2 = x * x;
  let term = x;
  let total = x;
  for (let n = 1; n < 100; n++) {
    term *= -x2 / n;
    const add = term / (2 * n + 1);
    total += add;
    if (Math.abs(add) < 1e-17 * Math.abs(total)) break;
  }
  return TWO_OVER_SQRT_PI * total;
}

/** 1 - erf(x), accurate in both tails. */
export function erfc(x: number): number {
  if (x >= 2.5) return x >= 27 ? 0 : erfcTail(x);
  if (x <= -2.5) return 2 - (x <= -27 ? 0 : erfcTail(-x));
  return 1 - erf(x);
}

function unaryValue(op: UnaryMathOp, v: number, alpha: number, beta: number): number {
  switch (op) {
    case 'sqrt': return Math.sqrt(v);
    case 'rsqrt': return 1 / Math.sqrt(v);
    case 'square': return v * v;
    case 'abs': return Math.abs(v);
    case 'sign': return v > 0 ? 1 : v < 0 ? -1 : 0;
    case 'sigmoid': return sigmoid(v);
    case 'tanh': return Math.tanh(v);
    case 'geluTanh': return v * sigmoid(2 * SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
    case 'geluErf': return 0.5 * v * erfc(-v * INV_SQRT_2);
    case 'softplus': return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    case 'leakyRelu': return v > 0 ? v : alpha * v;
    case 'elu': return v > 0 ? v : alpha * Math.expm1(v);
    case 'clip': return Math.min(Math.max(v, alpha), beta);
  }
}

/** op'(v). */
function unaryDerivative(op: UnaryMathOp, v: number, alpha: number, beta: number): number {
  switch (op) {
    case 'sqrt': return 0.5 / Math.sqrt(v);
    case 'rsqrt': return -0.5 / (v * Math.sqrt(v));
    case 'square': return 2 * v;
    case 'abs': return v > 0 ? 1 : v < 0 ? -1 : 0;
    case 'sign': return 0;
    case 'sigmoid': {
      const s = sigmoid(v);
      return s * (1 - s);
    }
    case 'tanh': {
      const t = Math.tanh(v);
      return 1 - t * t;
    }
    case 'geluTanh': {
      const u2 = 2 * SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v);
      const du2 = 2 * SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * v * v);
      const s = sigmoid(u2);
      return s + v * s * (1 - s) * du2;
    }
    case 'geluErf': return 0.5 * erfc(-v * INV_SQRT_2) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
    case 'softplus': return sigmoid(v);
    case 'leakyRelu': return v > 0 ? 1 : alpha;
    case 'elu': return v > 0 ? 1 : alpha * Math.exp(v);
    case 'clip': return v >= alpha && v <= beta ? 1 : 0;
  }
}

export function unaryMath(x: FloatArray, op: UnaryMathOp, alpha: number, beta: number, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) y[i] = unaryValue(op, x[i], alpha, beta);
}

export function unaryMathBackward(dy: FloatArray, x: FloatArray, op: UnaryMathOp, alpha: number, beta: number, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) dx[i] = dy[i] * unaryDerivative(op, x[i], alpha, beta);
}

/** pow with the cases exp2(b·log2 a) gets wrong spelled out, as shaders/binary_math.wgsl does: JS's Math.pow. */
function binaryValue(op: BinaryMathOp, a: number, b: number): number {
  switch (op) {
    case 'pow': return Math.pow(a, b);
    case 'maximum': return Math.max(a, b);
    case 'minimum': return Math.min(a, b);
    case 'squaredDifference': return (a - b) * (a - b);
    case 'sigmoidCrossEntropy': return Math.max(a, 0) - a * b + Math.log1p(Math.exp(-Math.abs(a)));
  }
}

/**
 * For each output element (row-major over outShape) the flat index into an input of `shape`
 * broadcast to it; null when the input already has outShape (the index is the element's own).
 */
export function broadcastOffsets(shape: Shape, outShape: Shape): Int32Array | null {
  const rank = outShape.length;
  if (shape.length === rank && shape.every((d, i) => d === outShape[i])) return null;
  let n = 1;
  for (const d of outShape) n *= d;
  const strides = broadcastStrides(shape, rank);
  const offsets = new Int32Array(n);
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    offsets[i] = off;
    for (let ax = rank - 1; ax >= 0; ax--) {
      off += strides[ax];
      if (++counter[ax] < outShape[ax]) break;
      counter[ax] = 0;
      off -= strides[ax] * outShape[ax];
    }
  }
  return offsets;
}

export function binaryMath(a: FloatArray, aShape: Shape, b: FloatArray, bShape: Shape, op: BinaryMathOp, outShape: Shape, out: FloatArray): void {
  const ia = broadcastOffsets(aShape, outShape);
  const ib = broadcastOffsets(bShape, outShape);
  for (let i = 0, n = out.length; i < n; i++) out[i] = binaryValue(op, a[ia ? ia[i] : i], b[ib ? ib[i] : i]);
}

function compareValue(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case 'equal': return a === b;
    case 'notEqual': return a !== b;
    case 'less': return a < b;
    case 'lessEqual': return a <= b;
    case 'greater': return a > b;
    case 'greaterEqual': return a >= b;
  }
}

export function compare(a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, op: CompareOp, outShape: Shape, out: Int32Array): void {
  const ia = broadcastOffsets(aShape, outShape);
  const ib = broadcastOffsets(bShape, outShape);
  for (let i = 0, n = out.length; i < n; i++) out[i] = compareValue(op, a[ia ? ia[i] : i], b[ib ? ib[i] : i]) ? 1 : 0;
}

export function where(
  cond: Int32Array, condShape: Shape, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, out: TypedArray,
): void {
  const ic = broadcastOffsets(condShape, outShape);
  const ia = broadcastOffsets(aShape, outShape);
  const ib = broadcastOffsets(bShape, outShape);
  for (let i = 0, n = out.length; i < n; i++) out[i] = cond[ic ? ic[i] : i] !== 0 ? a[ia ? ia[i] : i] : b[ib ? ib[i] : i];
}

/** Float to int32 rounds toward zero and saturates, NaN gives 0 (WGSL's i32(f32) conversion). */
export function cast(x: TypedArray, dtype: DType, y: TypedArray): void {
  const n = x.length;
  if (dtype !== 'int32' || x instanceof Int32Array) {
    y.set(x);
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    y[i] = v !== v ? 0 : v >= 2147483647 ? 2147483647 : v <= -2147483648 ? -2147483648 : Math.trunc(v);
  }
}
