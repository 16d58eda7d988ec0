/**
 * defineKernel, the public way to add an op (engine/kernels/define-kernel.ts), on its worked
 * example: swish(x) = x * sigmoid(x), whose gradient is a second custom kernel, so the whole
 * backward pass stays on the GPU. Checked on the CPU backend (values, float64 finite
 * differences) and on WebGPU (the parity helper: WGSL against the cpu function, forward and
 * gradients), with the engine's input validation, pipeline cache, profiler and compile errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grad, gradients } from '../engine/autograd.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { GpuProfiler } from '../engine/backends/webgpu/profiler.js';
import { checkKernelParity, defineKernel } from '../engine/index.js';
import { relu } from '../engine/ops/relu.js';
import { sum } from '../engine/ops/reduce.js';
import { setBackend } from '../engine/runtime.js';
import { Tensor, tensor } from '../engine/tensor.js';
import { nodeGPU } from '../node/webgpu.js';
import { gradcheck } from './helpers/gradcheck.js';
import { Rng } from './helpers/rng.js';

// The worked example of the README ("Adding a kernel", defineKernel).
const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

const swishGrad = defineKernel({
  name: 'swishGrad',
  inputs: ['x', 'dy'],
  wgsl: `
fn kernel(i: u32) -> f32 {
  let s = 1.0 / (1.0 + exp(-x[i]));
  return dy[i] * (s + x[i] * s * (1.0 - s));
}`,
  cpu: (i, { x, dy }) => {
    const s = sigmoid(x[i]);
    return dy[i] * (s + x[i] * s * (1 - s));
  },
});

const swish = defineKernel({
  name: 'swish',
  inputs: ['x'],
  wgsl: 'fn kernel(i: u32) -> f32 { return x[i] / (1.0 + exp(-x[i])); }',
  cpu: (i, { x }) => x[i] * sigmoid(x[i]),
  backward: (dy, { x }) => ({ x: swishGrad(x, dy) }),
});

// A second example with a scalar parameter and a validation hook.
const leakyRelu = defineKernel({
  name: 'leakyRelu',
  inputs: ['x'],
  scalars: ['alpha'],
  wgsl: 'fn kernel(i: u32) -> f32 { return select(x[i], p.alpha * x[i], x[i] < 0.0); }',
  cpu: (i, { x }, { alpha }) => (x[i] < 0 ? alpha * x[i] : x[i]),
  validate: (_shapes, { alpha }) => (alpha < 0 || alpha > 1 ? `alpha must lie in [0, 1], got ${alpha}` : undefined),
});

let webgpu: WebGPUBackend;

beforeAll(async () => {
  webgpu = await WebGPUBackend.create(nodeGPU());
}, 300_000);

afterAll(() => webgpu?.device.destroy());

describe('on the CPU backend', () => {
  it('computes swish and leakyRelu with the cpu function', async () => {
    setBackend(new CpuBackend('float32'));
    const xs = [-2, -0.5, 0, 0.5, 3];
    const y = await swish(tensor(xs, [5])).data();
    xs.forEach((v, i) => expect(y[i]).toBeCloseTo(v * sigmoid(v), 6));
    const l = await leakyRelu(tensor(xs, [5]), { alpha: 0.1 }).data();
    expect(Array.from(l).map((v) => Number(v.toFixed(6)))).toEqual([-0.2, -0.05, 0, 0.5, 3]);
  });

  it("swish's gradient matches float64 finite differences", () => {
    setBackend(new CpuBackend('float64'));
    const rng = new Rng(3);
    const r = gradcheck((x) => sum(swish(x)), [{ values: rng.values(40, -4, 4), shape: [5, 8] }]);
    expect(r.checked).toBe(40);
    expect(r.maxRelError, r.worst).toBeLessThan(1e-6);
  });

  it('rejects bad calls with errors that name the op', () => {
    setBackend(new CpuBackend('float32'));
    const x = tensor([1, 2, 3], [3]);
    expect(() => swish()).toThrow(/^swish: expected 1 tensor, got 0 arguments; call it as swish\(x\)$/);
    expect(() => swish(x, x)).toThrow(/swish: expected 1 tensor, got 2/);
    expect(() => swish([1, 2] as unknown as Tensor)).toThrow(/swish: input 'x' \(argument 1\) must be a Tensor, got an array/);
    expect(() => swish(tensor([1, 2], [2], 'int32'))).toThrow(/swish: input 'x' must be a float tensor, got int32 \[2\]/);
    expect(() => swishGrad(x, tensor([1, 2], [2]))).toThrow(/swishGrad: inputs must share one shape .*'x' \[3\], 'dy' \[2\]/);
    expect(() => leakyRelu(x)).toThrow(/leakyRelu: scalar 'alpha' must be a finite number, got undefined undefined; call it as leakyRelu\(x, \{ alpha \}\)/);
    expect(() => leakyRelu(x, { alpha: NaN })).toThrow(/scalar 'alpha' must be a finite number, got number NaN/);
    expect(() => leakyRelu(x, { alpha: 0.1, beta: 2 } as never)).toThrow(/leakyRelu: unknown scalar 'beta'/);
    expect(() => leakyRelu(x, { alpha: 2 })).toThrow(/^leakyRelu: alpha must lie in \[0, 1\], got 2$/);
  });

  it('rejects bad definitions', () => {
    const base = { inputs: ['x'], wgsl: 'fn kernel(i: u32) -> f32 { return x[i]; }', cpu: () => 0 } as const;
    expect(() => defineKernel({ ...base, name: 'my op' })).toThrow(/name must be an identifier/);
    expect(() => defineKernel({ ...base, name: 'k', inputs: ['y'] })).toThrow(/'y' is used by the generated WGSL/);
    expect(() => defineKernel({ ...base, name: 'k', inputs: [] })).toThrow(/inputs must name at least one tensor/);
    expect(() => defineKernel({ ...base, name: 'k', wgsl: 'fn f() {}' })).toThrow(/wgsl must define fn kernel/);
  });

  it('without a backward rule, differentiating says so', () => {
    setBackend(new CpuBackend('float32'));
    const x = tensor([1, 2], [2]);
    x.requiresGrad = true;
    const y = leakyRelu(x, { alpha: 0.2 });
    expect(() => gradients(sum(y), [x])).toThrow(/leakyRelu: no backward was given to defineKernel/);
  });
});

describe('on WebGPU', () => {
  it("the parity helper finds swish's WGSL equal to its cpu function, forward and gradient", async () => {
    const report = await checkKernelParity(swish, { backend: webgpu, shapes: { x: [37, 29] }, range: { x: [-6, 6] } });
    expect(report.problem).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.forward.worstRatio).toBeLessThanOrEqual(1);
    expect(report.gradients!.x.worstRatio).toBeLessThanOrEqual(1);
  });

  it('the parity helper checks scalars, and reports a WGSL that disagrees with its cpu function', async () => {
    const ok = await checkKernelParity(leakyRelu, { backend: webgpu, shapes: { x: [1000] }, scalars: { alpha: 0.3 } });
    expect(ok.problem).toBeNull();
    const wrong = defineKernel({
      name: 'wrongSwish', inputs: ['x'], cpu: swish.definition.cpu,
      wgsl: 'fn kernel(i: u32) -> f32 { return x[i] / (1.0 + exp(x[i])); }', // sign error
    });
    const report = await checkKernelParity(wrong, { backend: webgpu, shapes: { x: [100] } });
    expect(report.ok).toBe(false);
    expect(report.problem).toMatch(/^wrongSwish forward on webgpu: element \d+: /);
  });

  it('is compiled once into the pipeline cache, and profiled under its own name', async () => {
    setBackend(webgpu);
    const x = tensor(Array.from({ length: 5000 }, (_, i) => Math.sin(i)), [5000]);
    await swish(x).data();
    const pipelines = webgpu.pipelineCount;
    const profiler = new GpuProfiler(webgpu.device);
    webgpu.profiler = profiler;
    try {
      await relu(swish(x)).data();
    } finally {
      webgpu.profiler = null;
    }
    expect(webgpu.pipelineCount).toBe(pipelines);
    const kernels = (await profiler.collect()).map((r) => r.kernel);
    expect(kernels).toEqual(['swish', 'unary']);
    profiler.destroy();
  });

  it('runs in a backward pass on the GPU, mixed with built-in ops', async () => {
    setBackend(webgpu);
    const x = tensor([-1, 0.5, 2], [3]);
    x.requiresGrad = true;
    const [g] = grad((t: Tensor) => sum(swish(t)))(x);
    const got = Array.from(await g.data());
    [-1, 0.5, 2].forEach((v, i) => expect(got[i]).toBeCloseTo(sigmoid(v) + v * sigmoid(v) * (1 - sigmoid(v)), 5));
  });

  it('a WGSL compile error names the kernel and the line of its own wgsl', async () => {
    const broken = defineKernel({
      name: 'brokenKernel', inputs: ['x'], cpu: () => 0,
      wgsl: 'fn kernel(i: u32) -> f32 {\n  return x[i] * undefinedThing;\n}',
    });
    setBackend(webgpu);
    const y = broken(tensor([1, 2], [2]));
    await expect(y.data()).rejects.toThrow(/WGSL compile error in kernel 'brokenKernel' \(defineKernel 'brokenKernel' wgsl:2:\d+\).*undefinedThing/s);
    // The backend goes on working.
    expect(Array.from(await swish(tensor([0], [1])).data())).toEqual([0]);
  });
});
