/**
 * Keras's MultiHeadAttention (numHeads, keyDim, valueDim, useBias), on sequences: query
 * [T, Dq], value [S, Dv] and key [S, Dk] (key defaults to value; self-attention is
 * `mha.apply(x, x)`). Per head h: Q = x_q·Wq[h], K = x_k·Wk[h], V = x_v·Wv[h];
 * softmax(Q·Kᵀ / sqrt(keyDim))·V; the heads' results go through the output projection back
 * to Dq. Built from existing ops (matmul, batchMatmul, softmax, reshape, transpose), so its
 * gradient is theirs. The weights are Keras's: query/key/value kernels [D, heads, dim] with
 * biases [heads, dim], attention_output kernel [heads, valueDim, Dq] with bias [Dq].
 * No attention mask and no attention dropout.
 */
import type { Shape } from '../../backends/backend.js';
import { add } from '../../ops/binary.js';
import { batchMatmul } from '../../ops/batch-matmul.js';
import { matmul } from '../../ops/matmul.js';
import { reshape } from '../../ops/reshape.js';
import { transpose } from '../../ops/shape.js';
import { softmax } from '../../ops/softmax.js';
import { scale } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';
import type { WeightSpec } from './base.js';
import { show } from '../show.js';
import { MultiInputLayer, optionsObject } from './multi-input-layer.js';

export interface MultiHeadAttentionArgs {
  numHeads: number;
  /** Size of each head's query and key. */
  keyDim: number;
  /** Size of each head's value (default keyDim). */
  valueDim?: number;
  useBias?: boolean;
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

export class MultiHeadAttention extends MultiInputLayer {
  readonly className = 'MultiHeadAttention';
  /** query, value and optionally key. */
  readonly minInputs = 2;
  readonly maxInputs = 3;
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly useBias: boolean;

  constructor(args: MultiHeadAttentionArgs) {
    super(undefined);
    const a = optionsObject('MultiHeadAttention', args);
    if (!positive(a.numHeads)) throw new Error(`MultiHeadAttention: numHeads must be a positive integer, got ${show(a.numHeads)}`);
    if (!positive(a.keyDim)) throw new Error(`MultiHeadAttention: keyDim must be a positive integer, got ${show(a.keyDim)}`);
    const valueDim = a.valueDim ?? a.keyDim;
    if (!positive(valueDim)) throw new Error(`MultiHeadAttention: valueDim must be a positive integer, got ${show(a.valueDim)}`);
    const useBias = a.useBias ?? true;
    if (typeof useBias !== 'boolean') throw new Error(`MultiHeadAttention: useBias must be true or false, got ${show(a.useBias)}`);
    this.numHeads = a.numHeads;
    this.keyDim = a.keyDim;
    this.valueDim = valueDim;
    this.useBias = useBias;
  }

  /** [query, value, key] shapes, checked: sequences [length, features], value and key of one length. */
  private shapes(inputShapes: readonly Shape[]): { q: Shape; v: Shape; k: Shape } {
    const label = this.name || 'MultiHeadAttention';
    if (inputShapes.length < 2 || inputShapes.length > 3) {
      throw new Error(`${label}: expected query and value (and optionally key), got ${inputShapes.length} input${inputShapes.length === 1 ? '' : 's'}`);
    }
    const [q, v, k = v] = inputShapes;
    for (const [what, s] of [['query', q], ['value', v], ['key', k]] as const) {
      if (s.length !== 2) throw new Error(`${label}: expected ${what} of shape [length, features], got [${s.join(', ')}]`);
    }
    if (k[0] !== v[0]) throw new Error(`${label}: key [${k.join(', ')}] and value [${v.join(', ')}] must have the same length`);
    return { q, v, k };
  }

  outputShapeOf(inputShapes: readonly Shape[]): number[] {
    const { q } = this.shapes(inputShapes);
    return [...q];
  }

  override weightSpecsOf(inputShapes: readonly Shape[]): WeightSpec[] {
    const { q, v, k } = this.shapes(inputShapes);
    const H = this.numHeads;
    const specs: WeightSpec[] = [];
    const projection = (name: string, inDim: number, headDim: number) => {
      specs.push({ name: `${name}/kernel`, shape: [inDim, H, headDim], init: 'glorotUniform' });
      if (this.useBias) specs.push({ name: `${name}/bias`, shape: [H, headDim], init: 'zeros' });
    };
    projection('query', q[1], this.keyDim);
    projection('key', k[1], this.keyDim);
    projection('value', v[1], this.valueDim);
    specs.push({ name: 'attention_output/kernel', shape: [H, this.valueDim, q[1]], init: 'glorotUniform' });
    if (this.useBias) specs.push({ name: 'attention_output/bias', shape: [q[1]], init: 'zeros' });
    return specs;
  }

  /** x [B, L, D] · kernel [D, H, dim] (+ bias [H, dim]) as heads [B, H, L, dim]. */
  private project(x: Tensor, kernel: Tensor, bias: Tensor | null): Tensor {
    const [B, L, D] = x.shape;
    const [, H, dim] = kernel.shape;
    let y = matmul(reshape(x, [B * L, D]), reshape(kernel, [D, H * dim]));
    if (bias) y = add(y, reshape(bias, [H * dim]));
    return transpose(reshape(y, [B, L, H, dim]), [0, 2, 1, 3]);
  }

  callOn(xs: readonly Tensor[], weights: readonly Tensor[]): Tensor {
    const [query, value, key = value] = xs;
    const per = this.useBias ? 2 : 1;
    const w = (i: number) => weights[i * per];
    const b = (i: number) => (this.useBias ? weights[i * per + 1] : null);
    const [B, T, Dq] = query.shape;
    // Scaling the queries (as Keras does) rather than the scores: T·keyDim values, not T·S.
    const q = scale(this.project(query, w(0), b(0)), 1 / Math.sqrt(this.keyDim));
    const k = this.project(key, w(1), b(1));
    const v = this.project(value, w(2), b(2));
    const attention = softmax(batchMatmul(q, k, false, true)); // [B, H, T, S]
    const heads = transpose(batchMatmul(attention, v), [0, 2, 1, 3]); // [B, T, H, valueDim]
    const H = this.numHeads;
    let y = matmul(reshape(heads, [B * T, H * this.valueDim]), reshape(w(3), [H * this.valueDim, Dq]));
    if (this.useBias) y = add(y, b(3)!);
    return reshape(y, [B, T, Dq]);
  }

  config(): Record<string, unknown> {
    return { num_heads: this.numHeads, key_dim: this.keyDim, value_dim: this.valueDim, use_bias: this.useBias, dropout: 0, output_shape: null, attention_axes: null };
  }
}
