// Max-pooling over a ReLU output masks its gradient at the pooled size, and the ReLU's backward
// (relu, or conv2d's fused ReLU) then skips its full-size mask (engine/ops/relu.ts). These tests
// hold it to the same bits as the unfused chain, where `add(r, 0)` hides the ReLU from the pool,
// and check by counting the kernel's calls that the full-size mask is really skipped.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { sizeOf, type TensorData } from '../engine/backends/backend.js';
import { gradients } from '../engine/autograd.js';
import { add, mul } from '../engine/ops/binary.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { maxPool2d, type MaxPool2DOptions } from '../engine/ops/maxpool2d.js';
import { sum } from '../engine/ops/reduce.js';
import { relu } from '../engine/ops/relu.js';
import { setBackend, tidy } from '../engine/runtime.js';
import { Tensor, tensor, zeros } from '../engine/tensor.js';
import { Rng } from './helpers/rng.js';

const backend = new CpuBackend('float32');
const values = (t: Tensor) => Array.from(t.dataSync());
/** The same values as r, without r's mark as a ReLU output: the unfused reference chain. */
const hidden = (r: Tensor) => add(r, zeros(r.shape));

/** The shapes reluBackward's kernel is called with while `f` runs. */
function reluBackwardShapes(f: () => void): number[][] {
  const spy = vi.spyOn(backend.kernels, 'reluBackward');
  try {
    f();
    return spy.mock.calls.map(([dy]) => [...(dy as TensorData).shape]);
  } finally {
    spy.mockRestore();
  }
}

describe('max-pool gradient over a ReLU output', () => {
  beforeAll(() => setBackend(backend));

  // Mostly negative inputs, so that many windows pool a ReLU zero and the mask matters.
  const input = (shape: number[], seed: number) => tensor(new Rng(seed).values(sizeOf(shape), -1, 0.3), shape);
  /** sum(p * g) for a fixed random g: every pooled gradient differs. */
  const weighted = (p: Tensor) => sum(mul(p, tensor(new Rng(9).values(p.size), p.shape)));

  const pools: [string, MaxPool2DOptions][] = [
    ['2x2 windows, stride 2 (the tutorial)', { poolSize: 2 }],
    ['overlapping 3x3 windows, stride 1', { poolSize: 3, strides: 1 }],
    ["3x3 windows, stride 2, 'same' padding", { poolSize: 3, strides: 2, padding: 'same' }],
  ];
  for (const [name, options] of pools) {
    it(`relu then maxPool2d, ${name}: the unfused chain's bits, with one mask at the pooled size`, () => {
      const x = input([2, 7, 7, 3], 3);
      x.requiresGrad = true;
      let fused: number[] = [];
      const shapes = reluBackwardShapes(() => {
        fused = tidy(() => values(gradients(weighted(maxPool2d(relu(x), options)), [x])[0]));
      });
      const reference = tidy(() => values(gradients(weighted(maxPool2d(hidden(relu(x)), options)), [x])[0]));
      expect(fused).toEqual(reference);
      expect(fused.filter((v) => v !== 0).length).toBeGreaterThan(5);
      const pooled = tidy(() => [...maxPool2d(relu(x), options).shape]);
      expect(shapes).toEqual([pooled]);
    });
  }

  it("conv2d's fused ReLU then maxPool2d: the same bits for x, filter and bias, no full-size mask", () => {
    const x = input([2, 9, 9, 2], 4);
    const w = input([3, 3, 2, 4], 5);
    const b = tensor([0.1, -0.2, 0.05, 0], [4]);
    for (const t of [x, w, b]) t.requiresGrad = true;
    const grads = (chain: (y: Tensor) => Tensor) =>
      tidy(() => gradients(weighted(maxPool2d(chain(conv2d(x, w, { bias: b, activation: 'relu' })))), [x, w, b]).map(values));
    let fused: number[][] = [];
    const shapes = reluBackwardShapes(() => (fused = grads((y) => y)));
    let reference: number[][] = [];
    const referenceShapes = reluBackwardShapes(() => (reference = grads(hidden)));
    expect(fused).toEqual(reference);
    expect(shapes).toEqual([[2, 3, 3, 4]]);
    expect(referenceShapes).toEqual([[2, 7, 7, 4]]);
  });

  it('a ReLU output that also feeds another op is masked again after the sum of its gradients', () => {
    const x = input([1, 6, 6, 2], 6);
    x.requiresGrad = true;
    const c = tensor(new Rng(7).values(72), [1, 6, 6, 2]);
    // r feeds the pool (as `pooled`: r itself, or hidden from the pool) and a product with c.
    const gradOfX = (pooled: (r: Tensor) => Tensor) =>
      tidy(() => {
        const r = relu(x);
        return values(gradients(add(weighted(maxPool2d(pooled(r))), sum(mul(r, c))), [x])[0]);
      });
    let fused: number[] = [];
    const shapes = reluBackwardShapes(() => (fused = gradOfX((r) => r)));
    const reference = gradOfX(hidden);
    expect(fused).toEqual(reference);
    expect(shapes).toEqual([[1, 3, 3, 2], [1, 6, 6, 2]]);
  });
});
