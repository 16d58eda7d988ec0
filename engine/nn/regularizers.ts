/**
 * Weight regularizers, as Keras's L1L2: penalty(w) = l1·Σ|w| + l2·Σw² (no ½), added to the
 * training loss (and to evaluate's loss, as Keras reports it). Given as `{ l2: 1e-4 }`,
 * `{ l1: 1e-5 }` or both. Saved in the TensorFlow.js format as
 * `{ class_name: 'L1L2', config: { l1, l2 } }`, the class tfjs-layers registers.
 */
import { add, mul } from '../ops/binary.js';
import { relu } from '../ops/relu.js';
import { sum } from '../ops/reduce.js';
import { neg, scale } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';
import { show } from './show.js';

export interface Regularizer {
  readonly l1: number;
  readonly l2: number;
}

/** Checks a regularizer option; undefined and null mean none. */
export function checkRegularizer(layer: string, field: string, r: unknown): Regularizer | null {
  if (r === undefined || r === null) return null;
  if (typeof r !== 'object' || Array.isArray(r)) throw new Error(`${layer}: ${field} must be { l1?: number, l2?: number }, got ${show(r)}`);
  const { l1, l2, ...rest } = r as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) throw new Error(`${layer}: ${field} has unknown field(s) ${extra.join(', ')} (expected l1 and/or l2)`);
  const factor = (name: string, v: unknown): number => {
    if (v === undefined) return 0;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${layer}: ${field}.${name} must be a finite number >= 0, got ${show(v)}`);
    return v;
  };
  const out = { l1: factor('l1', l1), l2: factor('l2', l2) };
  if (l1 === undefined && l2 === undefined) throw new Error(`${layer}: ${field} needs l1 and/or l2, got ${show(r)}`);
  return out;
}

/** The scalar penalty of one weight. */
export function penalty(r: Regularizer, w: Tensor): Tensor | null {
  const terms: Tensor[] = [];
  // |w| as relu(w) + relu(−w) and w² as w·w: the main entry's ops (abs and square are in ./ops);
  // the values and gradients are the same (|w|'s gradient is sign(w), 0 at 0).
  if (r.l1 > 0) terms.push(scale(sum(add(relu(w), relu(neg(w)))), r.l1));
  if (r.l2 > 0) terms.push(scale(sum(mul(w, w)), r.l2));
  if (terms.length === 0) return null;
  return terms.length === 1 ? terms[0] : add(terms[0], terms[1]);
}

/** Keras/tfjs config of a regularizer (null for none). */
export function regularizerJson(r: Regularizer | null): { class_name: 'L1L2'; config: { l1: number; l2: number } } | null {
  return r ? { class_name: 'L1L2', config: { l1: r.l1, l2: r.l2 } } : null;
}
