/**
 * MultiHeadAttention and PositionEmbedding (engine/nn/layers/): the values against attention
 * written out with loops in float64 here, the gradient of every input and weight against
 * float64 central differences (test/helpers/gradcheck.ts), and the shape errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { setBackend, tidy } from '../engine/runtime.js';
import { tensor, type Tensor } from '../engine/tensor.js';
import { input } from '../engine/nn/functional/input.js';
import { Model } from '../engine/nn/functional/model.js';
import { Add } from '../engine/nn/layers/add.js';
import { MultiHeadAttention } from '../engine/nn/layers/multi-head-attention.js';
import { PositionEmbedding } from '../engine/nn/layers/position-embedding.js';
import { gradcheck, weightedSum } from './helpers/gradcheck.js';
import { Rng } from './helpers/rng.js';

beforeAll(() => setBackend(new CpuBackend('float64')));

const B = 2;
const T = 3;
const S = 4;
const DQ = 5;
const DV = 6;
const DK = 3;
const H = 2;
const KEY = 3;
const VAL = 2;

/** out[b,t,:] = Σ_h softmax_s(q_h·k_hᵀ/√KEY)·v_h · Wo[h] + bo, with q_h = x_q·Wq[:,h,:] + bq[h], etc. */
function reference(q: Float64Array, v: Float64Array, k: Float64Array, w: Float64Array[]): Float64Array {
  const [wq, bq, wk, bk, wv, bv, wo, bo] = w;
  const proj = (x: Float64Array, L: number, D: number, kern: Float64Array, bias: Float64Array, dim: number) => {
    const out = new Float64Array(B * L * H * dim); // [b, l, h, d]
    for (let b = 0; b < B; b++) for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) for (let d = 0; d < dim; d++) {
      let s = bias[h * dim + d];
      for (let i = 0; i < D; i++) s += x[(b * L + l) * D + i] * kern[(i * H + h) * dim + d];
      out[((b * L + l) * H + h) * dim + d] = s;
    }
    return out;
  };
  const Q = proj(q, T, DQ, wq, bq, KEY);
  const K = proj(k, S, DK, wk, bk, KEY);
  const V = proj(v, S, DV, wv, bv, VAL);
  const out = new Float64Array(B * T * DQ);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) {
    for (let o = 0; o < DQ; o++) out[(b * T + t) * DQ + o] = bo[o];
    for (let h = 0; h < H; h++) {
      const scores = Array.from({ length: S }, (_, s) => {
        let dot = 0;
        for (let d = 0; d < KEY; d++) dot += Q[((b * T + t) * H + h) * KEY + d] * K[((b * S + s) * H + h) * KEY + d];
        return dot / Math.sqrt(KEY);
      });
      const m = Math.max(...scores);
      const e = scores.map((x) => Math.exp(x - m));
      const z = e.reduce((a, c) => a + c, 0);
      for (let d = 0; d < VAL; d++) {
        let ctx = 0;
        for (let s = 0; s < S; s++) ctx += (e[s] / z) * V[((b * S + s) * H + h) * VAL + d];
        for (let o = 0; o < DQ; o++) out[(b * T + t) * DQ + o] += ctx * wo[(h * VAL + d) * DQ + o];
      }
    }
  }
  return out;
}

describe('MultiHeadAttention', () => {
  const rng = new Rng(11);
  const mha = new MultiHeadAttention({ numHeads: H, keyDim: KEY, valueDim: VAL });
  const specs = mha.weightSpecsOf([[T, DQ], [S, DV], [S, DK]]);
  const q = rng.values(B * T * DQ);
  const v = rng.values(B * S * DV);
  const k = rng.values(B * S * DK);
  const w = specs.map((s) => rng.values(s.shape.reduce((a, d) => a * d, 1), -0.7, 0.7));

  it("has Keras's weights: query/key/value [D, heads, dim] + [heads, dim], attention_output [heads, valueDim, Dq] + [Dq]", () => {
    expect(specs.map((s) => [s.name, s.shape])).toEqual([
      ['query/kernel', [DQ, H, KEY]], ['query/bias', [H, KEY]],
      ['key/kernel', [DK, H, KEY]], ['key/bias', [H, KEY]],
      ['value/kernel', [DV, H, VAL]], ['value/bias', [H, VAL]],
      ['attention_output/kernel', [H, VAL, DQ]], ['attention_output/bias', [DQ]],
    ]);
  });

  it('computes softmax(QKᵀ/√d)V per head and the output projection (float64, against loops)', () => {
    const got = tidy(() => mha.callOn([tensor(q, [B, T, DQ]), tensor(v, [B, S, DV]), tensor(k, [B, S, DK])], w.map((x, i) => tensor(x, specs[i].shape))).dataSync());
    const want = reference(q, v, k, w);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(got.length).toBe(want.length);
    expect(worst).toBeLessThan(1e-12);
  });

  it('has the gradient of central differences for query, value, key and every weight (max relative error < 1e-6)', () => {
    const loss = weightedSum(rng);
    const f = (...xs: Tensor[]) => loss(mha.callOn(xs.slice(0, 3), xs.slice(3)));
    const r = gradcheck(f, [
      { values: q, shape: [B, T, DQ] }, { values: v, shape: [B, S, DV] }, { values: k, shape: [B, S, DK] },
      ...w.map((values, i) => ({ values, shape: specs[i].shape })),
    ]);
    expect(r.checked).toBe(B * T * DQ + B * S * DV + B * S * DK + w.reduce((n, x) => n + x.length, 0));
    expect(r.maxRelError, r.worst).toBeLessThan(1e-6);
  });

  it('without biases, and as self-attention in a model (key = value = query)', async () => {
    const x = input({ shape: [T, DQ] });
    const self = new MultiHeadAttention({ numHeads: 3, keyDim: 2, useBias: false });
    const model = new Model({ inputs: x, outputs: self.apply(x, x) });
    expect(model.layerWeights()[1].weights.map((s) => s.name)).toEqual(['query/kernel', 'key/kernel', 'value/kernel', 'attention_output/kernel']);
    const y = tidy(() => model.apply(tensor(q, [B, T, DQ])).dataSync());
    expect(y.length).toBe(B * T * DQ);
    expect(y.every(Number.isFinite)).toBe(true);
    const loss = weightedSum(rng);
    const r = gradcheck((xq: Tensor) => loss(model.apply(xq)), [{ values: q, shape: [B, T, DQ] }]);
    expect(r.maxRelError, r.worst).toBeLessThan(1e-6);
    model.dispose();
  });

  it('rejects bad arguments and shapes, naming the layer', () => {
    expect(() => new MultiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow(/numHeads must be a positive integer, got 0/);
    expect(() => new MultiHeadAttention({ numHeads: 2 } as never)).toThrow(/keyDim must be a positive integer, got undefined/);
    const m = new MultiHeadAttention({ numHeads: 2, keyDim: 2 });
    expect(() => m.apply(input({ shape: [4, 4, 3] }), input({ shape: [4, 3] }))).toThrow(/MultiHeadAttention cannot be applied to \[None, 4, 4, 3\] and \[None, 4, 3\]: .*expected query of shape \[length, features\], got \[4, 4, 3\]/);
    expect(() => m.apply(input({ shape: [4, 3] }), input({ shape: [5, 3] }), input({ shape: [6, 3] }))).toThrow(/key \[6, 3\] and value \[5, 3\] must have the same length/);
    expect(() => m.apply(input({ shape: [4, 3] }))).toThrow(/expected 2 to 3 inputs, got 1/);
  });
});

describe('PositionEmbedding', () => {
  it('adds a learned vector per position (through Add), and its gradient checks', () => {
    const rng = new Rng(4);
    const x = input({ shape: [3, 2] });
    const pos = new PositionEmbedding({ sequenceLength: 5 });
    const model = new Model({ inputs: x, outputs: new Add().apply(x, pos.apply(x)) });
    const table = rng.values(10);
    model.setWeights([table]);
    const xs = rng.values(2 * 3 * 2);
    const y = tidy(() => model.apply(tensor(xs, [2, 3, 2])).dataSync());
    for (let b = 0; b < 2; b++) for (let i = 0; i < 6; i++) expect(y[b * 6 + i]).toBeCloseTo(xs[b * 6 + i] + table[i], 12);
    const loss = weightedSum(rng);
    const r = gradcheck((t: Tensor, e: Tensor) => loss(new Add().callOn([t, pos.call(t, [e])])), [
      { values: xs, shape: [2, 3, 2] }, { values: table, shape: [5, 2] },
    ]);
    expect(r.maxRelError, r.worst).toBeLessThan(1e-6);
    expect(() => pos.apply(input({ shape: [6, 2] }))).toThrow(/the sequence has 6 positions, more than its sequenceLength 5/);
    model.dispose();
  });
});
