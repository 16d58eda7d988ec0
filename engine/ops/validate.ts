/** Input checks shared by the ops. Every message names the op, the shapes and what was expected. */
import type { DType, Padding, Shape } from '../backends/backend.js';
import { show } from '../nn/show.js';
import type { Tensor } from '../tensor.js';

export function fmt(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function assertRank(op: string, name: string, t: Tensor, rank: number, layout?: string): void {
  t.assertLive(op);
  if (t.rank !== rank) {
    const what = layout ? ` (${layout})` : '';
    throw new Error(`${op}: expected ${name} of rank ${rank}${what}, got shape ${fmt(t.shape)} (rank ${t.rank})`);
  }
}

export function assertFloat(op: string, name: string, t: Tensor): void {
  t.assertLive(op);
  if (t.dtype === 'int32') throw new Error(`${op}: expected ${name} of a float dtype, got int32 (shape ${fmt(t.shape)})`);
}

export function assertSameDType(op: string, tensors: readonly Tensor[]): DType {
  const d = tensors[0].dtype;
  for (const t of tensors) {
    if (t.dtype !== d) {
      throw new Error(`${op}: dtypes differ: ${tensors.map((x) => `${x.dtype} ${fmt(x.shape)}`).join(' vs ')}`);
    }
  }
  return d;
}

export function assertSameBackend(op: string, tensors: readonly Tensor[]): void {
  const b = tensors[0].backend;
  for (const t of tensors) {
    if (t.backend !== b) {
      throw new Error(`${op}: tensors live on different backends (${b.name} and ${t.backend.name}); move them first`);
    }
  }
}

/** A window size or stride: one positive integer, or a pair of them [rows, columns]. */
export function positivePair(op: string, name: string, v: unknown): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) && v.length === 2 ? (v as unknown[]) : null;
  if (!p || !p.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1)) {
    throw new Error(`${op}: ${name} must be a positive integer or a pair of them, got ${show(v)}`);
  }
  return [p[0] as number, p[1] as number];
}

export function checkPadding(op: string, padding: unknown): Padding {
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${op}: padding must be 'valid' or 'same', got ${show(padding)}`);
  return padding;
}

/** A shape: an array of non-negative integers (whose product a typed array can hold). */
export function checkShape(op: string, shape: unknown): Shape {
  if (!Array.isArray(shape)) throw new Error(`${op}: shape must be an array of non-negative integers, got ${show(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new Error(`${op}: shape ${show(shape)} must hold non-negative integers, got ${show(d)} at axis ${i}`);
    }
  });
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (size > MAX_ELEMENTS) throw new Error(`${op}: shape ${fmt(shape)} has ${size} elements, more than the ${MAX_ELEMENTS} a tensor can hold`);
  return shape;
}

/** The most elements one tensor may have (2^31 - 1: typed-array lengths, 32-bit GPU indices). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

export function checkDType(op: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'float64' && dtype !== 'int32') {
    throw new Error(`${op}: dtype must be 'float32', 'float64' or 'int32', got ${show(dtype)}`);
  }
  return dtype;
}
