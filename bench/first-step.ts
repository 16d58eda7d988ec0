/**
 * `npx tsx bench/first-step.ts`: where a start's first training step spends what a warm step does
 * not (issue 11, target 4). On one device made as the train CLI makes it (`precompile: false`,
 * then the traced step's programs compiled concurrently), it times the tutorial CNN's first four
 * steps at batch 256, then the first two steps of a second trainer (fresh weights and optimizer)
 * on the SAME device. If the second trainer's first step is as fast as a warm one, the first
 * trainer's extra is the device's first use of its buffers and bind groups, not the model.
 * WEBGPU_ADAPTER picks the driver (node/webgpu.ts).
 */
import { WebGPUBackend } from '../engine/backends/webgpu/webgpu-backend.js';
import { nodeGPU } from '../node/webgpu.js';
import { engineTrainer, precompileTrainerStep, syntheticBatch } from './workloads.js';

const data = syntheticBatch(256);
const t0 = performance.now();
const backend = await WebGPUBackend.create(nodeGPU(), { precompile: false });
const t1 = performance.now();
await precompileTrainerStep(backend, data);
const t2 = performance.now();
console.log(`${backend.describe()}`);
console.log(`device ${(t1 - t0).toFixed(0)} ms; the traced step's ${backend.pipelineCount} pipelines ${(t2 - t1).toFixed(0)} ms`);

async function steps(label: string, seed: number, count: number): Promise<void> {
  const trainer = engineTrainer(backend, data, seed);
  for (let i = 1; i <= count; i++) {
    const start = performance.now();
    await trainer.step();
    console.log(`${label}, step ${i}: ${(performance.now() - start).toFixed(0)} ms`);
  }
  trainer.dispose();
  trainer.model.dispose();
}
await steps('first trainer', 1, 4);
await steps('second trainer, same device', 2, 2);
backend.device.destroy();
