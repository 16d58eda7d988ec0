/**
 * WebGPUBackend.precompileFor: a traced training step compiles just the programs the step
 * launches (concurrently), dispatches nothing (the weights are unchanged), and the real step
 * after it compiles no pipeline and computes what the CPU backend computes (loss within 1e-5
 * relative, as in webgpu-train-step.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend } from '../engine/backends/backend.js';
import { CpuBackend } from '../engine/backends/cpu/cpu-backend.js';
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { allPrograms } from '../engine/backends/webgpu/kernels/index.js';
import { trainStep } from '../engine/nn/train-step.js';
import { Adam } from '../engine/optim/adam.js';
import { setBackend } from '../engine/runtime.js';
import { tensor } from '../engine/tensor.js';
import { loadFashionMnist } from '../model/data/fashion-mnist.js';
import { tutorialCnn } from '../model/cnn.js';
import { nodeGPU } from '../node/webgpu.js';
import { conv2dGeometry } from '../engine/ops/geometry.js';
import { onLaunch } from './helpers/on-launch.js';

const BATCH = 16;
const data = loadFashionMnist({ limit: { train: BATCH, test: 1 } });

function stepper(be: Backend) {
  setBackend(be);
  const model = tutorialCnn(7);
  model.build();
  const x = tensor(data.train.images, [BATCH, 28, 28, 1]);
  const y = tensor(data.train.labels, [BATCH], 'int32');
  return { model, x, y, weights: () => Promise.all(model.parameters.map((p) => p.data())) };
}

describe('precompileFor', () => {
  let gpu: WebGPUBackend | null = null;
  afterAll(() => gpu?.device.destroy());

  it('compiles only the traced step\'s programs, dispatches nothing, and the step then compiles nothing', async () => {
    gpu = await WebGPUBackend.create(nodeGPU(), { precompile: false });
    const g = stepper(gpu);
    const before = await g.weights();
    const pipelinesBefore = gpu.pipelineCount;
    const dispatchesBefore = gpu.dispatchCount;
    const traced = await gpu.precompileFor(() => trainStep(g.model, new Adam(), g.x, g.y).dispose());
    const compiled = gpu.pipelineCount - pipelinesBefore;
    // A step of the CNN launches a dozen or more programs, well short of all of them.
    expect(traced).toBeGreaterThanOrEqual(10);
    expect(traced).toBeLessThan(allPrograms().length);
    expect(compiled).toBeGreaterThan(0);
    expect(compiled).toBeLessThanOrEqual(traced);
    expect(gpu.dispatchCount).toBe(dispatchesBefore);
    const after = await g.weights();
    after.forEach((w, i) => expect(Array.from(w), `parameter ${i} after the traced step`).toEqual(Array.from(before[i])));

    const opt = new Adam();
    const loss = trainStep(g.model, opt, g.x, g.y);
    const gpuLoss = (await loss.data())[0];
    loss.dispose();
    expect(gpu.pipelineCount, 'pipelines compiled by the real step').toBe(pipelinesBefore + compiled);
    expect(gpu.dispatchCount).toBeGreaterThan(dispatchesBefore);

    const c = stepper(new CpuBackend());
    const cpuLoss = (await trainStep(c.model, new Adam(), c.x, c.y).data())[0];
    expect(Math.abs(gpuLoss - cpuLoss) / Math.abs(cpuLoss)).toBeLessThan(1e-5);
  }, 120_000);

  it('submitWhileCompiling: a first step that compiles as it goes submits before each new pipeline, and computes the same weights as one that submits once', async () => {
    const run = async (submitWhileCompiling: boolean) => {
      const be = await WebGPUBackend.create(nodeGPU(), { precompile: false, submitWhileCompiling, poisonNewBuffers: true });
      try {
        const g = stepper(be);
        await g.weights();
        const submits = be.submitCount;
        const pipelines = be.pipelineCount;
        const opt = new Adam();
        trainStep(g.model, opt, g.x, g.y).dispose();
        const weights = await g.weights();
        const first = { submits: be.submitCount - submits, compiled: be.pipelineCount - pipelines };
        const again = be.submitCount;
        trainStep(g.model, opt, g.x, g.y).dispose();
        await g.weights();
        opt.dispose();
        return { weights, first, warmSubmits: be.submitCount - again };
      } finally {
        be.device.destroy();
      }
    };
    const overlapped = await run(true);
    const once = await run(false);
    expect(overlapped.first.compiled).toBeGreaterThanOrEqual(10);
    // Reading the weights back submits once per parameter; a step that compiles nothing adds
    // nothing to that either way (one submit per step), and without the option neither does one
    // that compiles. With it, the first step adds a submit before each new pipeline (the first
    // may find nothing recorded).
    expect(overlapped.warmSubmits).toBe(once.warmSubmits);
    expect(once.first.submits, 'without submitWhileCompiling').toBe(once.warmSubmits);
    expect(overlapped.first.submits - overlapped.warmSubmits).toBeGreaterThanOrEqual(overlapped.first.compiled - 1);
    overlapped.weights.forEach((w, i) => expect(Array.from(w), `parameter ${i}`).toEqual(Array.from(once.weights[i])));
  }, 120_000);

  it('ready(): a program that compiles slowly (the 16 x 16 convs) waits for a read, compiles in the background, and meanwhile its 8 x 8 form gives the same bits', async () => {
    const be = await WebGPUBackend.create(nodeGPU(), { precompile: false, tiling: { channelVec4: true, wideBlocks: true }, poisonNewBuffers: true });
    try {
      const launched: string[] = [];
      onLaunch(be, (shader) => launched.push(shader));
      const g = conv2dGeometry('conv2d', [4, 9, 9, 32], [3, 3, 32, 64], [1, 1], 'valid');
      const values = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k));
      const x = be.upload(values(4 * 9 * 9 * 32, 0.37), [4, 9, 9, 32], 'float32');
      const w = be.upload(values(3 * 3 * 32 * 64, 0.11), [3, 3, 32, 64], 'float32');
      const dy = be.upload(values(4 * 7 * 7 * 64, 0.23), [4, 7, 7, 64], 'float32');
      const all = async () => {
        launched.length = 0;
        const outs = [be.kernels.conv2d(x, w, null, g, false), be.kernels.conv2dBackpropInput(dy, w, g), be.kernels.conv2dBackpropFilter(x, dy, g)];
        const got = [];
        for (const t of outs) got.push(Array.from(await be.read(t)));
        return { got, launched: [...launched] };
      };
      const quick = await all();
      expect(quick.launched.filter((p) => p.includes('_16x16')), 'before their compile').toEqual([]);
      expect(quick.launched).toContain('conv2d_c4');
      await be.warmed(); // the read above started the three compiles
      const wide = await all();
      // A 'valid' conv: its forward pass takes the 16 x 16 form without position tests.
      expect(wide.launched).toEqual(expect.arrayContaining(['conv2d_c4_16x16_inside', 'conv2d_backprop_input_c4_16x16', 'conv2d_backprop_filter_c16_16x16']));
      wide.got.forEach((v, i) => expect(v, `output ${i}`).toEqual(quick.got[i]));
    } finally {
      be.device.destroy();
    }
  }, 120_000);
});
