import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { backward, grad, gradients, valueAndGrad } from '../engine/autograd.js';
import { add, mul } from '../engine/ops/binary.js';
import { conv2d } from '../engine/ops/conv2d.js';
import { sparseSoftmaxCrossEntropy } from '../engine/ops/cross-entropy.js';
import { maxPool2d } from '../engine/ops/maxpool2d.js';
import { flatten } from '../engine/ops/reshape.js';
import { sum } from '../engine/ops/reduce.js';
import { noGrad, setBackend, tidy } from '../engine/runtime.js';
import { tensor, variable } from '../engine/tensor.js';

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());

describe('reverse-mode autodiff', () => {
  beforeAll(() => setBackend(new CpuBackend('float64')));

  it('accumulates the gradient of a tensor used more than once', () => {
    const x = variable([1, -2, 3], [3]);
    // y = sum(x*x + x*x*x + x)  ->  dy/dx = 2x + 3x^2 + 1
    const y = sum(add(add(mul(x, x), mul(mul(x, x), x)), x));
    backward(y);
    expect(values(x.grad!)).toEqual([6, 9, 34]);
  });

  it('records nothing under noGrad', () => {
    const x = variable([1, 2], [2]);
    const y = noGrad(() => mul(x, x));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
  });

  it('grad and valueAndGrad differentiate a function of several tensors', () => {
    const f = (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => sum(mul(a, b));
    const [ga, gb] = grad(f)(tensor([1, 2], [2]), tensor([3, 4], [2]));
    expect(values(ga)).toEqual([3, 4]);
    expect(values(gb)).toEqual([1, 2]);
    const { value } = valueAndGrad(f)(tensor([1, 2], [2]), tensor([3, 4], [2]));
    expect(values(value)).toEqual([11]);
  });

  it('keeps what backward needs alive when the forward pass ran in a tidy scope', () => {
    const rng = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + k) * 0.5);
    const w = variable(rng(3 * 3 * 2 * 4, 1), [3, 3, 2, 4]);
    const x = tensor(rng(2 * 6 * 6 * 2, 2), [2, 6, 6, 2]);
    const lossOf = () => {
      const h = maxPool2d(conv2d(x, w, { activation: 'relu' }), { poolSize: 2 });
      return sparseSoftmaxCrossEntropy(flatten(h).shape[1] === 16 ? flatten(h) : flatten(h), [3, 7]);
    };
    const [inside] = tidy(() => gradients(lossOf(), [w]));
    const loss = tidy(() => lossOf());
    const [after] = gradients(loss, [w]);
    expect(values(after)).toEqual(values(inside));
  });

  it('cuts the graph after backward unless asked to retain it, and refuses disposed inputs', () => {
    const x = variable([1, 2], [2]);
    const y = sum(mul(x, x));
    gradients(y, [x], { retainGraph: true });
    expect(values(gradients(y, [x])[0])).toEqual([2, 4]);
    expect(y.node).toBeNull();

    const a = tensor([1, 2], [2]);
    const z = sum(mul(x, a));
    a.dispose();
    expect(() => gradients(z, [x])).toThrow(/mul backward: tensor \d+ of shape \[2\] was disposed/);
    // A disposed loss is refused too: its node may have lost what its backward reads.
    const loss = sum(mul(x, x));
    loss.dispose();
    expect(() => gradients(loss, [x])).toThrow(/gradients: the loss: tensor \d+ of shape \[\] was disposed/);
  });
});
