/** Input checks shared by the ops. Every message names the op, the shapes and what was expected. */
import type { DType, Shape } from '../backends/backend.js';
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

export function assertPositiveInts(op: string, name: string, values: readonly number[]): void {
  if (values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new Error(`${op}: ${name} must be positive integers, got [${values.join(', ')}]`);
  }
}
